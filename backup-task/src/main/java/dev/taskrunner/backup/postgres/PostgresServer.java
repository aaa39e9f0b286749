package dev.taskrunner.backup.postgres;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What the task asks the server over JDBC before it writes anything: version, database size and
 * existence, the list of databases, and (for restore) creating the target database.
 */
public final class PostgresServer {
  private final ConnectionSettings settings;

  public PostgresServer(ConnectionSettings settings) {
    this.settings = settings;
  }

  /** Server facts for one database. */
  public record DatabaseFacts(String database, int serverMajor, String serverVersion, long bytes) {}

  /** Connects to {@code database} and reads its size and the server version. */
  public DatabaseFacts inspect(String database) throws SQLException {
    try (Connection c = connect(database);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select current_setting('server_version_num')::int,"
                    + " current_setting('server_version'),"
                    + " pg_database_size(current_database())")) {
      rs.next();
      return new DatabaseFacts(database, rs.getInt(1) / 10000, rs.getString(2), rs.getLong(3));
    }
  }

  /** Databases a dump of "all databases" covers: every one that accepts connections. */
  public List<String> listDatabases(String maintenanceDatabase) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection c = connect(maintenanceDatabase);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select datname from pg_database where not datistemplate and datallowconn"
                    + " order by datname")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  /** True when {@code database} exists (asked through the maintenance database). */
  public boolean exists(String maintenanceDatabase, String database) throws SQLException {
    try (Connection c = connect(maintenanceDatabase);
        PreparedStatement s = c.prepareStatement("select 1 from pg_database where datname = ?")) {
      s.setString(1, database);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Creates an empty database; the name is quoted as an identifier, so any name works. */
  public void createDatabase(String maintenanceDatabase, String database) throws SQLException {
    try (Connection c = connect(maintenanceDatabase);
        Statement s = c.createStatement()) {
      s.execute("create database " + quoteIdentifier(database));
    }
  }

  static String quoteIdentifier(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  private Connection connect(String database) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", settings.user());
    settings.password().ifPresent(p -> props.setProperty("password", p.reveal()));
    props.setProperty("sslmode", settings.sslMode());
    settings
        .sslRootCert()
        .ifPresent(
            c -> {
              if (c.equals(ConnectionSettings.SYSTEM_ROOT_CERT)) {
                // pgjdbc (42.7) reads "system" as a file name; its DefaultJavaSSLFactory trusts the
                // JVM's store instead, and verify-full still checks the host name (MakeSSL).
                props.setProperty("sslfactory", "org.postgresql.ssl.DefaultJavaSSLFactory");
              } else {
                props.setProperty("sslrootcert", c);
              }
            });
    props.setProperty("ApplicationName", "taskrunner-backup");
    props.setProperty("connectTimeout", "15");
    // pgjdbc URL-decodes the path, so any database name survives.
    String url =
        "jdbc:postgresql://"
            + hostForUrl(settings.host())
            + ":"
            + settings.port()
            + "/"
            + URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
    return DriverManager.getConnection(url, props);
  }

  private static String hostForUrl(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }
}
