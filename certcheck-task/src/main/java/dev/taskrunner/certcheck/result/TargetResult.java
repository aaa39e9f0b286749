package dev.taskrunner.certcheck.result;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one target: an endpoint, a certificate file, a Kubernetes Secret key or a
 * cert-manager Certificate. Logged as one {@code certcheck.result} event and written to the report.
 *
 * @param target what was checked: {@code host:port}, a file path, {@code secret/ns/name/key}, or
 *     {@code certificate/ns/name}
 * @param source {@code endpoint}, {@code file}, {@code kubernetes_secret}, {@code cert_manager}
 * @param label free label from the target definition; empty when none
 * @param status the target's status
 * @param reason machine-readable detail: the error reason, the trust failure, {@code
 *     renewal_overdue}; empty when none
 * @param phase for endpoints, where a failure happened: {@code connect}, {@code starttls}, {@code
 *     handshake}; empty otherwise
 * @param sni server name sent (empty when none: IP targets without override)
 * @param notAfter notAfter of the limiting certificate (earliest on the path); null when unknown
 * @param secondsLeft seconds to {@code notAfter} from the run's clock; null when unknown
 * @param daysLeft {@code floor(secondsLeft / 86400)}; null when unknown
 * @param limitingSubject subject of the certificate that expires first on the path
 * @param trusted PKIX validation against the trust store at the run's clock; null when not
 *     applicable (files, Secrets)
 * @param hostnameMatch whether the leaf is valid for the checked name; null when not applicable
 * @param weaknesses weaknesses found on the path (weak_signature, weak_key)
 * @param certificates every certificate seen, in the order they were presented, then anchors
 * @param attributes source-specific fields: filepath, secret_namespace, secret_name, secret_key,
 *     embedded_kind, tls_version...
 * @param durationMillis how long the check took
 * @param checkedAt the run's clock when the result was made
 */
public record TargetResult(
    String target,
    String source,
    String label,
    Status status,
    String reason,
    String phase,
    String sni,
    Instant notAfter,
    Long secondsLeft,
    Long daysLeft,
    String limitingSubject,
    Boolean trusted,
    Boolean hostnameMatch,
    List<String> weaknesses,
    List<CertificateFacts> certificates,
    Map<String, String> attributes,
    long durationMillis,
    Instant checkedAt) {

  /** A result without certificates: a failure before any certificate was seen. */
  public static TargetResult failure(
      TargetId id,
      Status status,
      String reason,
      String phase,
      String sni,
      Map<String, String> attributes,
      long durationMillis,
      Instant checkedAt) {
    return new TargetResult(
        id.target(),
        id.source(),
        id.label(),
        status,
        reason,
        phase,
        sni,
        null,
        null,
        null,
        "",
        null,
        null,
        List.of(),
        List.of(),
        attributes,
        durationMillis,
        checkedAt);
  }

  /** The same result with another duration (set by the caller that timed the check). */
  public TargetResult withDuration(long millis) {
    return new TargetResult(
        target,
        source,
        label,
        status,
        reason,
        phase,
        sni,
        notAfter,
        secondsLeft,
        daysLeft,
        limitingSubject,
        trusted,
        hostnameMatch,
        weaknesses,
        certificates,
        attributes,
        millis,
        checkedAt);
  }
}
