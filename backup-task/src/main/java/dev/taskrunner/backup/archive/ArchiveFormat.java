package dev.taskrunner.backup.archive;

import java.util.Locale;

/** The pg_dump output format, as chosen by {@code --format}; it decides the key extension. */
public enum ArchiveFormat {
  /** {@code pg_dump -Fc}: compressible per table, restored with pg_restore; the default. */
  CUSTOM("c", "dump"),
  /** Plain SQL script, restored with psql. */
  PLAIN("p", "sql"),
  /** {@code pg_dump -Ft}: tar archive, restored with pg_restore. */
  TAR("t", "tar");

  private final String pgDumpFlag;
  private final String extension;

  ArchiveFormat(String pgDumpFlag, String extension) {
    this.pgDumpFlag = pgDumpFlag;
    this.extension = extension;
  }

  /** Value of pg_dump's {@code --format}. */
  public String pgDumpFlag() {
    return pgDumpFlag;
  }

  public String extension() {
    return extension;
  }

  /** pg_restore reads custom and tar archives; plain SQL goes to psql. */
  public boolean restoredWithPgRestore() {
    return this != PLAIN;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ArchiveFormat fromExtension(String ext) {
    for (ArchiveFormat f : values()) {
      if (f.extension.equals(ext)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown archive extension ." + ext);
  }
}
