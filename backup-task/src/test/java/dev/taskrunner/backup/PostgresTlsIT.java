package dev.taskrunner.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskrunner.backup.testing.S3ProxyServer;
import dev.taskrunner.backup.testing.TestCa;
import dev.taskrunner.backup.testing.TestDatabase;
import dev.taskrunner.common.testing.TaskProcess;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code PGSSLMODE=verify-full} against a real PostgreSQL with TLS on, its certificate signed by a
 * CA made here: the CA reaches both the JDBC preflight and pg_dump; a wrong, missing or absent CA
 * is a configuration error (exit 2, not retried), found before any S3 call.
 */
class PostgresTlsIT {
  static final String BUCKET = "tls";
  static TestCa ca;
  static TestDatabase db;
  static S3ProxyServer s3;
  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    ca = TestCa.create("taskrunner test PG root");
    db = TestDatabase.startWithTls(ca.issueServer());
    s3 = S3ProxyServer.start();
    s3.createBucket(BUCKET);
    db.createSampleDatabase("app", 100);
  }

  @AfterAll
  static void stop() {
    if (s3 != null) {
      s3.close();
    }
    if (db != null) {
      db.close();
    }
  }

  Map<String, String> env(String prefix) {
    Map<String, String> env = new HashMap<>(db.env());
    env.putAll(s3.env(BUCKET));
    env.put("PGSSLMODE", "verify-full");
    // The name in the server certificate (Docker publishes the port on every local address).
    env.put("PGHOST", "localhost");
    env.put("BACKUP_PREFIX", prefix);
    return env;
  }

  /** user.home is a fresh directory, so no ~/.postgresql/root.crt of this machine can help. */
  TaskProcess run(Map<String, String> env, String... args) {
    try (TaskProcess p =
        TaskProcess.start(
            TaskProcess.taskJar(), List.of("-Duser.home=" + tmp.resolve("home")), env, args)) {
      p.awaitExit(Duration.ofMinutes(2));
      return p;
    }
  }

  /** The one error line: {@code run.failed} (a TaskFailure) or {@code config.invalid}. */
  static JsonNode failure(TaskProcess p) {
    List<JsonNode> failed = new java.util.ArrayList<>(p.events("run.failed"));
    failed.addAll(p.events("config.invalid"));
    assertThat(failed).as(p.stdout()).hasSize(1);
    return failed.get(0);
  }

  @Test
  void verifyFullWithTheServersCaBacksUp() throws Exception {
    Path root = Files.writeString(tmp.resolve("root.crt"), ca.pem());
    Map<String, String> env = env("ok");
    // As the example CronJob gives it: libpq's variable, a file from a mounted Secret.
    env.put("PGSSLROOTCERT", root.toString());

    TaskProcess p = run(env, "--database=app");

    assertThat(p.exitCode()).as(p.stdout() + p.stderr()).isZero();
    assertThat(p.events("backup.completed")).hasSize(1);
    assertThat(s3.keys(BUCKET)).anyMatch(k -> k.startsWith("ok/app/"));
  }

  @Test
  void aCaThatDidNotSignTheServerIsExit2AndNothingIsWritten() throws Exception {
    Path other = Files.writeString(tmp.resolve("other.crt"), TestCa.create("somebody else").pem());

    TaskProcess p = run(env("wrong"), "--database=app", "--pg-sslrootcert=" + other);

    assertThat(p.exitCode()).as(p.stdout()).isEqualTo(2);
    JsonNode failed = failure(p);
    assertThat(failed.path("reason").asText()).isEqualTo("pg_tls_untrusted");
    assertThat(failed.path("message").asText()).contains("--pg-sslrootcert").doesNotContain("\n");
    assertThat(s3.keys(BUCKET)).noneMatch(k -> k.startsWith("wrong/"));
  }

  @Test
  void aServerCertificateForAnotherNameIsExit2() throws Exception {
    Path root = Files.writeString(tmp.resolve("root.crt"), ca.pem());
    Map<String, String> env = env("name");
    env.put("PGHOST", "127.0.0.1");

    TaskProcess p = run(env, "--database=app", "--pg-sslrootcert=" + root);

    assertThat(p.exitCode()).as(p.stdout()).isEqualTo(2);
    assertThat(failure(p).path("reason").asText()).isEqualTo("pg_tls_untrusted");
  }

  @Test
  void systemTrustIsExit2WhenItCannotWork() {
    // With pg_dump 15 (this machine's) libpq reads "system" as a file name: refused up front. With
    // pg_dump 16+ the JVM's trust store does not know the test CA: pg_tls_untrusted. Both exit 2.
    TaskProcess p = run(env("system"), "--database=app", "--pg-sslrootcert=system");

    assertThat(p.exitCode()).as(p.stdout()).isEqualTo(2);
    assertThat(failure(p).toString()).contains("--pg-sslrootcert");
    assertThat(s3.keys(BUCKET)).noneMatch(k -> k.startsWith("system/"));
  }

  @Test
  void systemTrustReachesTheJdbcPreflightThroughTheJvmTrustStore() throws Exception {
    // The JVM's trust store stands in for the system's: it holds the test CA here.
    Path store = tmp.resolve("trust.p12");
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("test-ca", ca.certificate());
    try (OutputStream out = Files.newOutputStream(store)) {
      trust.store(out, "changeit".toCharArray());
    }
    // pg_dump claims 16 so the preflight runs; the real pg_dump 15 behind it then cannot read
    // "system", which shows the value reached libpq too.
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path fake = bin.resolve("pg_dump");
    Files.writeString(
        fake,
        "#!/bin/sh\n"
            + "if [ \"$1\" = --version ]; then echo 'pg_dump (PostgreSQL) 16.4'; exit 0; fi\n"
            + "exec pg_dump \"$@\"\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    Map<String, String> env = env("system-jvm");
    env.put("PATH", "/usr/bin:/bin");

    TaskProcess p;
    try (TaskProcess started =
        TaskProcess.start(
            TaskProcess.taskJar(),
            List.of(
                "-Duser.home=" + tmp.resolve("home"),
                "-Djavax.net.ssl.trustStore=" + store,
                "-Djavax.net.ssl.trustStorePassword=changeit"),
            env,
            "--database=app",
            "--pg-sslrootcert=system",
            "--pg-bin-dir=" + bin)) {
      started.awaitExit(Duration.ofMinutes(2));
      p = started;
    }

    // Past the preflight (its JDBC connection verified the server), then pg_dump 15 failed.
    assertThat(p.events("backup.started")).as(p.stdout()).hasSize(1);
    assertThat(p.exitCode()).isEqualTo(1);
    // libpq 15: could not read root certificate file "system": ...
    assertThat(p.events("pg_dump.stderr").toString())
        .contains("root certificate file \\\"system\\\"");
    assertThat(s3.keys(BUCKET)).noneMatch(k -> k.startsWith("system-jvm/"));
  }

  @Test
  void aMissingCaFileIsExit2NamingTheOption() {
    TaskProcess p =
        run(env("missing"), "--database=app", "--pg-sslrootcert=" + tmp.resolve("nope.crt"));

    assertThat(p.exitCode()).as(p.stdout()).isEqualTo(2);
    assertThat(failure(p).path("message").asText())
        .contains("--pg-sslrootcert")
        .contains("nope.crt");
  }

  @Test
  void verifyFullWithNoCaAnywhereIsExit2NamingTheOption() {
    // The user's report: "Could not open SSL root certificate file .../root.crt", retried.
    TaskProcess p = run(env("none"), "--database=app");

    assertThat(p.exitCode()).as(p.stdout()).isEqualTo(2);
    assertThat(failure(p).path("message").asText())
        .contains("--pg-sslrootcert")
        .contains("root.crt");
  }
}
