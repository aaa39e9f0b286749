package dev.taskrunner.backup.archive;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Who compresses the archive. {@link #ZSTD} and {@link #GZIP} run in this JVM while pg_dump writes
 * uncompressed ({@code -Z0}), so compression uses the second core instead of pg_dump's single
 * thread; {@link #PGDUMP} leaves it to pg_dump ({@code -Z level}, custom format only).
 */
public enum Compression {
  NONE(""),
  PGDUMP(""),
  GZIP(".gz"),
  ZSTD(".zst");

  private final String suffix;

  Compression(String suffix) {
    this.suffix = suffix;
  }

  /** Suffix appended to the format's extension, e.g. {@code .zst}. */
  public String suffix() {
    return suffix;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Level used when {@code --compression-level} is not given. */
  public int defaultLevel() {
    return switch (this) {
      case NONE -> 0;
      case PGDUMP, GZIP -> 6;
      case ZSTD -> 3;
    };
  }

  /** Wraps the stream the archive is written to; closing the result finishes the frame. */
  public OutputStream compress(OutputStream out, int level) throws IOException {
    return switch (this) {
      case NONE, PGDUMP -> out;
      case GZIP -> new LeveledGzipOutputStream(out, level);
      case ZSTD -> {
        ZstdOutputStream zstd = new ZstdOutputStream(out, level);
        // The frame checksum makes a corrupted object fail decompression on restore, before the
        // final SHA-256 comparison.
        zstd.setChecksum(true);
        yield zstd;
      }
    };
  }

  /** Wraps a stored object's stream to give back pg_dump's output. */
  public InputStream decompress(InputStream in) throws IOException {
    return switch (this) {
      case NONE, PGDUMP -> in;
      case GZIP -> new GZIPInputStream(in, 1 << 16);
      case ZSTD -> new ZstdInputStream(in);
    };
  }

  /** The compression whose suffix ends {@code name}; none when no known suffix matches. */
  public static Compression fromFileName(String name) {
    if (name.endsWith(GZIP.suffix)) {
      return GZIP;
    }
    if (name.endsWith(ZSTD.suffix)) {
      return ZSTD;
    }
    return NONE;
  }

  private static final class LeveledGzipOutputStream extends GZIPOutputStream {
    LeveledGzipOutputStream(OutputStream out, int level) throws IOException {
      super(out, 1 << 16);
      def.setLevel(level);
    }
  }
}
