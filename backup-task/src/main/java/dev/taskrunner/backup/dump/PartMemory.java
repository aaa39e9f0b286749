package dev.taskrunner.backup.dump;

import java.util.Optional;

/**
 * Whether the part buffers of a multipart upload fit the JVM's heap. They take about (parts in
 * flight + 1) × part size (each part stays in memory until S3 acknowledged it, and one more fills),
 * plus a small reserve for everything else on the heap; more than the maximum heap would end in an
 * OutOfMemoryError in the middle of an upload, so the run refuses it before starting.
 *
 * @param partSize part size in bytes, as given or as chosen from the database size
 * @param partsInFlight {@code --parts-in-flight}
 * @param explicitPartSize true when the user gave {@code --part-size}
 * @param databaseBytes {@code pg_database_size} the automatic part size came from
 */
public record PartMemory(
    long partSize, int partsInFlight, boolean explicitPartSize, long databaseBytes) {
  private static final long MIB = 1024L * 1024;

  /**
   * Heap besides the part buffers: the S3 client, the compressor's Java buffers, the pipe buffer,
   * logging. Classes and zstd's window live outside the heap. A ~96 MB dump completes in a 32 MiB
   * heap with 5 MiB parts (BackupFailuresIT), which this reserve still allows.
   */
  static final long RESERVE = 8 * MIB;

  /**
   * The share of the container's memory limit that the image gives the heap
   * (-XX:MaxRAMPercentage=75 in docker/Dockerfile).
   */
  static final double IMAGE_HEAP_SHARE = 0.75;

  /** Heap this upload needs, in bytes. */
  public long neededHeap() {
    return (partsInFlight + 1L) * partSize + RESERVE;
  }

  /**
   * One line saying why the parts do not fit {@code maxHeap} bytes and what would, or empty when
   * they fit.
   */
  public Optional<String> problem(long maxHeap) {
    if (neededHeap() <= maxHeap) {
      return Optional.empty();
    }
    long limitMib = roundUp((long) Math.ceil(neededHeap() / IMAGE_HEAP_SHARE), 64 * MIB) / MIB;
    String need =
        "needs about "
            + mib(neededHeap())
            + " of heap ((parts in flight "
            + partsInFlight
            + " + 1) x part size "
            + mib(partSize)
            + " + "
            + mib(RESERVE)
            + "), but the maximum heap is "
            + mib(maxHeap);
    String fix =
        explicitPartSize
            ? "; lower --part-size (BACKUP_PART_SIZE) or --parts-in-flight"
                + " (BACKUP_PARTS_IN_FLIGHT), or raise the memory limit to at least "
            : "; the part size comes from the database size ("
                + mib(databaseBytes)
                + " / 9,000 parts), so lower --parts-in-flight (BACKUP_PARTS_IN_FLIGHT) or raise"
                + " the memory limit to at least ";
    return Optional.of(
        (explicitPartSize ? "--part-size " : "the automatic part size ")
            + need
            + fix
            + limitMib
            + "Mi (the image's heap is 75 % of the container's limit)");
  }

  private static long roundUp(long value, long unit) {
    return (value + unit - 1) / unit * unit;
  }

  private static String mib(long bytes) {
    return ((bytes + MIB - 1) / MIB) + " MiB";
  }
}
