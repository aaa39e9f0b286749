package dev.taskrunner.backup.postgres;

import dev.taskrunner.common.config.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A libpq password file holding one line {@code *:*:*:*:<password>}, in a fresh 0700 directory
 * under {@code java.io.tmpdir} (an emptyDir/tmpfs in the pod), mode 0600 from creation. The
 * password reaches pg_dump through {@code PGPASSFILE}, never argv; {@link #close()} deletes it.
 */
public final class PgPassFile implements AutoCloseable {
  private final Path directory;
  private final Path file;

  private PgPassFile(Path directory, Path file) {
    this.directory = directory;
    this.file = file;
  }

  public static PgPassFile write(Secret password) throws IOException {
    Path dir =
        Files.createTempDirectory(
            Path.of(System.getProperty("java.io.tmpdir")),
            "taskrunner-backup-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path file =
        Files.createFile(
            dir.resolve("pgpass"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(
        file,
        "*:*:*:*:" + escape(password.reveal()) + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.TRUNCATE_EXISTING);
    return new PgPassFile(dir, file);
  }

  /** libpq's pgpass syntax: {@code \} and {@code :} are escaped with a backslash. */
  static String escape(String value) {
    return value.replace("\\", "\\\\").replace(":", "\\:");
  }

  public Path path() {
    return file;
  }

  @Override
  public void close() {
    try {
      Files.deleteIfExists(file);
      Files.deleteIfExists(directory);
    } catch (IOException e) {
      // Nothing more can be done; the directory is in a per-pod tmpfs.
    }
  }
}
