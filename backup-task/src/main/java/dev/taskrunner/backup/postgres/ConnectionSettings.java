package dev.taskrunner.backup.postgres;

import dev.taskrunner.common.config.Secret;
import java.util.Optional;

/**
 * How to reach PostgreSQL; every field also reaches pg_dump, pg_restore and psql through libpq's
 * own variables (never argv).
 *
 * @param host server host ({@code --pg-host}, env {@code PGHOST}); default {@code localhost}
 * @param port server port ({@code --pg-port}, env {@code PGPORT}); default 5432
 * @param user role ({@code --pg-user}, env {@code PGUSER}); default {@code postgres}
 * @param password password ({@code --pg-password}, env {@code PGPASSWORD} or {@code
 *     PGPASSWORD_FILE}); empty when the server needs none or a mounted {@code PGPASSFILE} is used
 * @param sslMode libpq sslmode ({@code --pg-sslmode}, env {@code PGSSLMODE}); default {@code
 *     prefer}
 * @param sslRootCert the server's root CA ({@code --pg-sslrootcert}, env {@code PGSSLROOTCERT}): a
 *     PEM file, or {@code system} for the JVM's trust store (pgjdbc) and the system's (libpq 16+);
 *     default: libpq's {@code ~/.postgresql/root.crt}, read only by {@code verify-ca}/{@code
 *     verify-full}
 */
public record ConnectionSettings(
    String host,
    int port,
    String user,
    Optional<Secret> password,
    String sslMode,
    Optional<String> sslRootCert) {

  /** libpq's (16+) word for "the system's trust store" in place of a file name. */
  public static final String SYSTEM_ROOT_CERT = "system";

  /** True when the server certificate is checked against a root CA. */
  public boolean verifiesServer() {
    return sslMode.equals("verify-ca") || sslMode.equals("verify-full");
  }

  @Override
  public String toString() {
    return "postgresql://"
        + user
        + "@"
        + host
        + ":"
        + port
        + " sslmode="
        + sslMode
        + sslRootCert.map(c -> " sslrootcert=" + c).orElse("");
  }
}
