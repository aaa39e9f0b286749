package dev.taskrunner.backup.dump;

import dev.taskrunner.backup.archive.ArchiveFormat;
import dev.taskrunner.backup.archive.Compression;
import java.util.List;
import java.util.Optional;

/**
 * What to dump and how.
 *
 * @param format pg_dump format ({@code --format}): custom (default), plain or tar
 * @param compression {@code --compression}: zstd (default, in-process), gzip (in-process), pgdump
 *     (pg_dump's own, custom format only) or none
 * @param compressionLevel {@code --compression-level}; default per algorithm (zstd 3, gzip 6,
 *     pgdump 6)
 * @param partSize {@code --part-size}; default chosen from the database size so the dump needs at
 *     most about 9,000 parts, at least 8 MiB and below 2 GiB
 * @param partsInFlight {@code --parts-in-flight}: parts uploading at once; default 2; memory is
 *     about (this + 1) × part size
 * @param verify {@code --verify}: also feed pg_dump's output to {@code pg_restore --file=/dev/null}
 *     while uploading and fail if it cannot read it to the end; default false
 * @param extraArgs {@code --pg-dump-arg}: extra pg_dump arguments (e.g. {@code --exclude-table=x});
 *     default none
 */
public record BackupSettings(
    ArchiveFormat format,
    Compression compression,
    int compressionLevel,
    Optional<Long> partSize,
    int partsInFlight,
    boolean verify,
    List<String> extraArgs) {

  static final long AUTO_MIN_PART = 8L * 1024 * 1024;
  static final int TARGET_PARTS = 9_000;

  /** Key extension for this format and compression, e.g. {@code dump.zst}. */
  public String extension(ArchiveFormat actualFormat) {
    return actualFormat.extension() + compression.suffix();
  }

  /** Part size for a database of {@code databaseBytes}: at most ~9,000 parts, MiB-aligned. */
  public long partSizeFor(long databaseBytes) {
    if (partSize.isPresent()) {
      return partSize.get();
    }
    long mib = 1024L * 1024;
    long wanted = (databaseBytes + TARGET_PARTS - 1) / TARGET_PARTS;
    long rounded = (wanted + mib - 1) / mib * mib;
    return Math.min(
        dev.taskrunner.backup.storage.MultipartUploadSink.MAX_PART_SIZE,
        Math.max(AUTO_MIN_PART, rounded));
  }
}
