package dev.taskrunner.backup.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * A libpq service file naming one database, for a database name that cannot travel in a child's
 * argv. The JVM encodes argv and the environment of a child in the platform charset ({@code
 * sun.jnu.encoding}); under a POSIX locale that is ASCII and turns {@code ü} into {@code ?}, so
 * pg_dump would ask for a database that does not exist. A file's bytes are ours to choose: the name
 * goes in as UTF-8, and the child gets {@code --dbname=service=taskrunner} plus {@code
 * PGSERVICEFILE}.
 */
public final class PgServiceFile implements AutoCloseable {
  /** The service (section) name in the file. */
  public static final String SERVICE = "taskrunner";

  private final Path directory;
  private final Path file;

  private PgServiceFile(Path directory, Path file) {
    this.directory = directory;
    this.file = file;
  }

  /**
   * A service file for {@code database}, or empty when the name is safe in argv (ASCII, or the
   * platform charset is UTF-8).
   *
   * @throws IllegalArgumentException for a name libpq's service file syntax cannot carry (trailing
   *     white space or a line break) when it is not argv-safe either
   */
  public static Optional<PgServiceFile> forDatabase(String database) throws IOException {
    if (argvSafe(database)) {
      return Optional.empty();
    }
    // libpq strips trailing white space and reads one line per key; such a name cannot be written.
    if (database.contains("\n")
        || database.contains("\r")
        || database.strip().length() != database.length()) {
      throw new IllegalArgumentException(
          "database name "
              + database
              + " has leading/trailing white space or a line break and non-ASCII characters;"
              + " run with a UTF-8 locale (LANG=C.UTF-8)");
    }
    Path dir =
        Files.createTempDirectory(
            Path.of(System.getProperty("java.io.tmpdir")),
            "taskrunner-service-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path file = dir.resolve("pg_service.conf");
    Files.writeString(file, "[" + SERVICE + "]\ndbname=" + database + "\n", StandardCharsets.UTF_8);
    return Optional.of(new PgServiceFile(dir, file));
  }

  static boolean argvSafe(String database) {
    String jnu = System.getProperty("sun.jnu.encoding", "UTF-8");
    return StandardCharsets.US_ASCII.newEncoder().canEncode(database)
        || jnu.equalsIgnoreCase("UTF-8")
        || jnu.equalsIgnoreCase("UTF8");
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
