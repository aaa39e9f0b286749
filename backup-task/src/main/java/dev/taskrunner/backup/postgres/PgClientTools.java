package dev.taskrunner.backup.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PostgreSQL client programs (pg_dump, pg_dumpall, pg_restore, psql) and the environment they
 * run in. Connection settings and the password file go in libpq variables; secrets of this task
 * (the S3 keys, PGPASSWORD) are removed from the child's environment.
 *
 * @param binDir directory of the programs; empty to search {@code PATH}
 */
public record PgClientTools(String binDir) {
  private static final Pattern VERSION =
      Pattern.compile("\\(PostgreSQL\\)\\s+(\\d+)(?:\\.(\\d+))?");
  private static final Pattern SECRET_VARIABLE =
      Pattern.compile("(?i).*(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|ACCESS_KEY).*");

  public String program(String name) {
    return binDir.isEmpty() ? name : Path.of(binDir, name).toString();
  }

  /** Major version reported by {@code <program> --version}, e.g. 15. */
  public int majorVersion(String name) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(program(name), "--version").redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(program(name) + " --version failed: " + out);
    }
    Matcher m = VERSION.matcher(out);
    if (!m.find()) {
      throw new IOException(program(name) + " --version printed no version: " + out);
    }
    return Integer.parseInt(m.group(1));
  }

  /**
   * A process builder with libpq's environment: host, port, user, sslmode, application name and
   * (when a password is set) {@code PGPASSFILE}. The database goes in argv as a conninfo string
   * ({@link #conninfoDatabase}), which holds no secret.
   */
  public ProcessBuilder builder(
      ConnectionSettings settings, PgPassFile passFile, List<String> command) {
    return builder(settings, passFile, null, command);
  }

  /** As {@link #builder(ConnectionSettings, PgPassFile, List)}, plus a service file (or null). */
  public ProcessBuilder builder(
      ConnectionSettings settings,
      PgPassFile passFile,
      PgServiceFile serviceFile,
      List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> SECRET_VARIABLE.matcher(k).matches() && !k.endsWith("_FILE"));
    env.remove("PGDATABASE");
    env.put("PGHOST", settings.host());
    env.put("PGPORT", Integer.toString(settings.port()));
    env.put("PGUSER", settings.user());
    env.put("PGSSLMODE", settings.sslMode());
    settings.sslRootCert().ifPresent(c -> env.put("PGSSLROOTCERT", c));
    env.put("PGAPPNAME", "taskrunner-backup");
    env.put("PGCONNECT_TIMEOUT", "15");
    if (passFile != null) {
      env.put("PGPASSFILE", passFile.path().toString());
    }
    if (serviceFile != null) {
      env.put("PGSERVICEFILE", serviceFile.path().toString());
    }
    return builder;
  }

  /**
   * {@code dbname='...'} in libpq conninfo syntax: passing a conninfo string (rather than the bare
   * name) means a database name containing {@code =} or starting with {@code -} is never misread.
   */
  public static String conninfoDatabase(String database) {
    return "dbname='" + database.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /**
   * The {@code --dbname=} argument for {@code database}: a conninfo string, or {@code
   * service=taskrunner} when the name travels in a {@link PgServiceFile} instead of argv.
   */
  public static String dbnameArgument(String database, Optional<PgServiceFile> serviceFile) {
    return "--dbname="
        + (serviceFile.isPresent()
            ? "service=" + PgServiceFile.SERVICE
            : conninfoDatabase(database));
  }
}
