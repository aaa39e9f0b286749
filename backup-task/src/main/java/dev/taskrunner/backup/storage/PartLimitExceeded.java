package dev.taskrunner.backup.storage;

import java.io.IOException;

/** The archive needs more than S3's 10,000 parts at the chosen part size. */
public final class PartLimitExceeded extends IOException {
  private static final long serialVersionUID = 1L;

  public PartLimitExceeded(long partSize, int maxParts) {
    super(
        "the archive reached S3's limit of "
            + maxParts
            + " parts at a part size of "
            + partSize
            + " bytes; raise --part-size (BACKUP_PART_SIZE), e.g. to "
            + Math.min(MultipartUploadSink.MAX_PART_SIZE, partSize * 4) / (1024 * 1024)
            + "MiB");
  }
}
