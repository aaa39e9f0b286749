package dev.taskrunner.backup.storage;

import dev.taskrunner.common.config.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Where and how objects are written.
 *
 * @param bucket bucket ({@code --bucket}, {@code BACKUP_BUCKET}); required
 * @param prefix key prefix ({@code --prefix}); default {@code backups}; empty for the bucket root
 * @param endpoint endpoint override for S3-compatible stores ({@code --s3-endpoint}); default: the
 *     SDK's chain ({@code AWS_ENDPOINT_URL_S3}, {@code AWS_ENDPOINT_URL}, then AWS)
 * @param region region ({@code --s3-region}); default: the SDK's chain ({@code AWS_REGION},
 *     profile), else {@code us-east-1}
 * @param pathStyle path-style URLs ({@code --s3-path-style}); default false (virtual-host)
 * @param checksumMode request checksums ({@code --s3-checksum}): {@code when_supported} (SDK
 *     default, CRC32 trailers) or {@code when_required} (many S3-compatible stores need this)
 * @param accessKeyId static access key ({@code --s3-access-key-id}); default: SDK chain
 * @param secretAccessKey static secret key ({@code --s3-secret-access-key}, or {@code _FILE})
 * @param sse server-side encryption: {@code none}, {@code aes256} (SSE-S3) or {@code aws:kms}
 * @param kmsKeyId KMS key for {@code aws:kms}; default: the bucket's default key
 * @param storageClass storage class, e.g. {@code STANDARD_IA}; default: the bucket's default
 * @param tags object tags {@code k=v&k2=v2}; default none
 * @param objectLockMode {@code governance} or {@code compliance}; default none
 * @param objectLockRetention retain-until = start + this; required with a lock mode
 * @param contentMd5 send Content-MD5 on every part ({@code --s3-content-md5}); forced on with
 *     Object Lock, which refuses parts without a checksum
 * @param createOnly complete uploads with {@code If-None-Match: *} so an existing key is never
 *     overwritten ({@code --s3-create-only}); default true
 */
public record S3Settings(
    String bucket,
    String prefix,
    Optional<URI> endpoint,
    Optional<String> region,
    boolean pathStyle,
    ChecksumMode checksumMode,
    Optional<String> accessKeyId,
    Optional<Secret> secretAccessKey,
    String sse,
    Optional<String> kmsKeyId,
    Optional<String> storageClass,
    Map<String, String> tags,
    Optional<String> objectLockMode,
    Optional<Duration> objectLockRetention,
    boolean contentMd5,
    boolean createOnly) {

  /** The SDK's request checksum calculation modes, as the user names them. */
  public enum ChecksumMode {
    WHEN_SUPPORTED,
    WHEN_REQUIRED
  }

  /** True when parts must carry Content-MD5. */
  public boolean partMd5() {
    return contentMd5 || objectLockMode.isPresent();
  }
}
