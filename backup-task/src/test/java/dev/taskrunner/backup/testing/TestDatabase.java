package dev.taskrunner.backup.testing;

import dev.taskrunner.common.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A real PostgreSQL 15 (Testcontainers) whose password holds every character that breaks naive
 * quoting ({@code @ # : / % & $ ' " \}, spaces, a leading {@code -}).
 */
public final class TestDatabase implements AutoCloseable {
  public static final String USER = "taskrunner";
  public static final String PASSWORD = "-p@ss w:rd/#%&$'\"\\x";

  private final PostgreSQLContainer container;

  private TestDatabase(PostgreSQLContainer container) {
    this.container = container;
  }

  public static TestDatabase start() {
    PostgreSQLContainer c =
        new PostgreSQLContainer(TestImages.postgres())
            .withDatabaseName("postgres_main")
            .withUsername(USER)
            .withPassword(PASSWORD);
    c.start();
    return new TestDatabase(c);
  }

  /**
   * As {@link #start()}, with {@code ssl=on} and the given server certificate (the testbed image
   * honours POSTGRES_SSL_CERT_FILE and POSTGRES_SSL_KEY_FILE, see docker/testbed/README.md).
   */
  public static TestDatabase startWithTls(TestCa.ServerCert server) {
    PostgreSQLContainer c =
        new PostgreSQLContainer(TestImages.postgres())
            .withDatabaseName("postgres_main")
            .withUsername(USER)
            .withPassword(PASSWORD)
            .withCopyToContainer(
                Transferable.of(server.certificatePem().getBytes(StandardCharsets.US_ASCII), 0644),
                "/tls/server.crt")
            .withCopyToContainer(
                Transferable.of(server.privateKeyPem().getBytes(StandardCharsets.US_ASCII), 0600),
                "/tls/server.key")
            .withEnv("POSTGRES_SSL_CERT_FILE", "/tls/server.crt")
            .withEnv("POSTGRES_SSL_KEY_FILE", "/tls/server.key");
    c.start();
    return new TestDatabase(c);
  }

  public String host() {
    return container.getHost();
  }

  public int port() {
    return container.getMappedPort(5432);
  }

  /** libpq variables for the task (password by env, as a Kubernetes Secret would give it). */
  public Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("PGHOST", host());
    env.put("PGPORT", Integer.toString(port()));
    env.put("PGUSER", USER);
    env.put("PGPASSWORD", PASSWORD);
    env.put("PGSSLMODE", "disable");
    return env;
  }

  public Connection connect(String database) throws SQLException {
    String url =
        "jdbc:postgresql://"
            + host()
            + ":"
            + port()
            + "/"
            + java.net.URLEncoder.encode(database, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20");
    return DriverManager.getConnection(url, USER, PASSWORD);
  }

  public void execute(String database, String... sql) throws SQLException {
    try (Connection c = connect(database);
        Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  public void createDatabase(String name) throws SQLException {
    execute("postgres", "create database \"" + name.replace("\"", "\"\"") + "\"");
  }

  /** Creates {@code name} with a table of varied rows, including text that looks like SQL. */
  public void createSampleDatabase(String name, int rows) throws SQLException {
    createDatabase(name);
    execute(
        name,
        "create table items (id int primary key, name text, amount numeric(12,2), payload bytea,"
            + " created timestamptz)",
        "insert into items select g, 'item ''' || g || E' \\\\ ; -- drop table x; \u00e9\u4e2d',"
            + " g * 1.25, decode(md5(g::text), 'hex'), timestamptz '2024-01-01 00:00:00+00' + g"
            + " * interval '1 minute' from generate_series(1, "
            + rows
            + ") g",
        "create table notes (id serial primary key, body text)",
        "insert into notes (body) values ('first'), (null), ('tab\there')");
  }

  /** A fingerprint of a table's rows: count and md5 over the rows in key order. */
  public String fingerprint(String database, String table) throws SQLException {
    try (Connection c = connect(database);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select count(*) || ':' || coalesce(md5(string_agg(t::text, '|' order by t::text)),"
                    + " '') from "
                    + table
                    + " t")) {
      rs.next();
      return rs.getString(1);
    }
  }

  public long scalar(String database, String sql) throws SQLException {
    try (Connection c = connect(database);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public void close() {
    container.stop();
  }
}
