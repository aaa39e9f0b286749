package dev.taskrunner.certcheck.result;

/**
 * Identity of a target in results, metrics and sharding.
 *
 * @param target the name users recognise ({@code host:port}, path, {@code secret/ns/name/key})
 * @param source {@code endpoint}, {@code file}, {@code kubernetes_secret}, {@code cert_manager}
 * @param label free label; empty when none
 */
public record TargetId(String target, String source, String label) {}
