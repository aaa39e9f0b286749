package dev.taskrunner.backup.dump;

import java.time.Duration;

/**
 * One database's stored backup.
 *
 * @param database real database name
 * @param key object key
 * @param sizeBytes stored size (checked with HEAD after completion)
 * @param sha256 hex SHA-256 of the stored bytes
 * @param dumpBytes bytes pg_dump wrote
 * @param parts multipart parts
 * @param duration dump + upload time
 */
public record BackupResult(
    String database,
    String key,
    long sizeBytes,
    String sha256,
    long dumpBytes,
    int parts,
    Duration duration) {}
