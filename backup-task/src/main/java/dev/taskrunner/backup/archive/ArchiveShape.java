package dev.taskrunner.backup.archive;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Cheap structural checks on pg_dump's output while it streams past, so that an empty or visibly
 * truncated archive is never reported as a success even without {@code --verify}: a custom archive
 * starts with {@code PGDMP}; a plain dump ends with pg_dump's (or pg_dumpall's) "dump complete"
 * trailer; a tar archive is whole 512-byte blocks ending in zero blocks.
 */
public final class ArchiveShape {
  private static final byte[] CUSTOM_MAGIC = "PGDMP".getBytes(StandardCharsets.US_ASCII);
  // pg_dump ends with "-- PostgreSQL database dump complete", pg_dumpall with "-- PostgreSQL
  // database cluster dump complete".
  private static final java.util.regex.Pattern PLAIN_TRAILER =
      java.util.regex.Pattern.compile("-- PostgreSQL database (cluster )?dump complete");
  private static final int TAIL = 1024;

  private final ArchiveFormat format;
  private final byte[] head = new byte[CUSTOM_MAGIC.length];
  private final byte[] tail = new byte[TAIL];
  private int headLength;
  private long total;

  public ArchiveShape(ArchiveFormat format) {
    this.format = format;
  }

  /** Observes the next bytes of the stream. */
  public void update(byte[] buffer, int offset, int length) {
    if (headLength < head.length) {
      int n = Math.min(length, head.length - headLength);
      System.arraycopy(buffer, offset, head, headLength, n);
      headLength += n;
    }
    if (length >= TAIL) {
      System.arraycopy(buffer, offset + length - TAIL, tail, 0, TAIL);
    } else {
      System.arraycopy(tail, length, tail, 0, TAIL - length);
      System.arraycopy(buffer, offset, tail, TAIL - length, length);
    }
    total += length;
  }

  public long bytes() {
    return total;
  }

  /** Why the stream is not a whole archive, or null when it looks whole. */
  public String problem() {
    if (total == 0) {
      return "pg_dump wrote nothing (empty archive)";
    }
    return switch (format) {
      case CUSTOM ->
          headLength == CUSTOM_MAGIC.length && Arrays.equals(head, CUSTOM_MAGIC)
              ? null
              : "output does not start with the custom-format header PGDMP";
      case PLAIN -> {
        String end =
            new String(
                tail,
                (int) Math.max(0, TAIL - total),
                (int) Math.min(TAIL, total),
                StandardCharsets.US_ASCII);
        yield PLAIN_TRAILER.matcher(end).find()
            ? null
            : "plain dump lacks pg_dump's 'dump complete' trailer (truncated)";
      }
      case TAR -> {
        boolean zeroEnd = true;
        for (int i = TAIL - 1024; i < TAIL; i++) {
          zeroEnd &= tail[i] == 0;
        }
        yield total % 512 == 0 && total >= 2048 && zeroEnd
            ? null
            : "tar archive is not whole 512-byte blocks ending in zero blocks (truncated)";
      }
    };
  }
}
