package dev.taskrunner.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskrunner.backup.testing.FaultProxy;
import dev.taskrunner.backup.testing.FaultProxy.Fault;
import dev.taskrunner.backup.testing.S3ProxyServer;
import dev.taskrunner.backup.testing.TestDatabase;
import dev.taskrunner.common.testing.TaskProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * All or nothing: whatever fails (pg_dump, S3, a signal), no object appears under the final key and
 * no incomplete multipart upload is left behind; retried parts resend the same bytes.
 */
class BackupFailuresIT {
  static final String BUCKET = "failures";
  static final String MIB_5 = "5MiB";
  static TestDatabase db;
  static S3ProxyServer s3;
  FaultProxy proxy;
  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    db = TestDatabase.start();
    s3 = S3ProxyServer.start();
    s3.createBucket(BUCKET);
    db.createSampleDatabase("app", 1000);
    // ~96 MB of dump output (TOAST compresses the repeats inside PostgreSQL, pg_dump does not).
    db.execute(
        "app",
        "create table big (id int primary key, body text)",
        "insert into big select g, repeat(md5(g::text), 1000) from generate_series(1, 3000) g");
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

  @BeforeEach
  void proxy() throws Exception {
    proxy = new FaultProxy(s3.endpoint());
  }

  @AfterEach
  void closeProxy() throws Exception {
    proxy.close();
  }

  Map<String, String> env() {
    Map<String, String> env = new HashMap<>(db.env());
    env.putAll(s3.env(BUCKET));
    env.put("BACKUP_S3_ENDPOINT", proxy.endpoint().toString());
    env.put("BACKUP_PREFIX", "t-" + Long.toHexString(System.nanoTime()));
    env.put("BACKUP_RETRY_INITIAL_DELAY", "50ms");
    return env;
  }

  static TaskProcess run(Map<String, String> env, String... args) {
    return TaskProcess.run(TaskProcess.taskJar(), env, Duration.ofMinutes(3), args);
  }

  void assertNothingLeft(Map<String, String> env) {
    String prefix = env.get("BACKUP_PREFIX");
    assertThat(s3.keys(BUCKET)).noneMatch(k -> k.startsWith(prefix + "/"));
    // This test's prefix only, so one test's leftover cannot fail the others.
    assertThat(s3.openUploads(BUCKET)).noneMatch(u -> u.key().startsWith(prefix + "/"));
  }

  static String reason(TaskProcess p) {
    List<JsonNode> failed = p.events("run.failed");
    return failed.isEmpty() ? "" : failed.get(0).path("reason").asText();
  }

  Path fakeTool(String name, String body) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("bin"));
    Path file = dir.resolve(name);
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }

  @Test
  void pgDumpKilledMidStreamLeavesNoObjectAndNoUpload() throws Exception {
    proxy.inject(FaultProxy.Request::isUploadPart, new Fault.Delay(700), 1000);
    Map<String, String> env = env();
    try (TaskProcess p =
        TaskProcess.start(
            TaskProcess.taskJar(),
            List.of(),
            env,
            "--database=app",
            "--compression=none",
            "--part-size=" + MIB_5,
            "--progress-interval=100ms")) {
      p.awaitJson(
          n -> "backup.upload".equals(n.path("work").asText()) && n.path("done").asLong() > 0,
          Duration.ofSeconds(60));
      long killed =
          db.scalar(
              "postgres",
              "select count(pg_terminate_backend(pid)) from pg_stat_activity"
                  + " where application_name = 'taskrunner-backup' and pid <> pg_backend_pid()");
      assertThat(killed).isPositive();
      assertThat(p.awaitExit(Duration.ofMinutes(2))).isEqualTo(1);
      assertThat(reason(p)).isEqualTo("pg_dump_failed");
      assertThat(p.events("backup.completed")).isEmpty();
    }
    assertNothingLeft(env);
  }

  @Test
  void sigtermAfterTwoPartsAbortsTheUploadAndExits143() throws Exception {
    proxy.inject(FaultProxy.Request::isUploadPart, new Fault.Delay(700), 1000);
    Map<String, String> env = env();
    try (TaskProcess p =
        TaskProcess.start(
            TaskProcess.taskJar(),
            List.of(),
            env,
            "--database=app",
            "--compression=none",
            "--part-size=" + MIB_5,
            "--progress-interval=100ms")) {
      p.awaitJson(
          n ->
              "backup.upload".equals(n.path("work").asText())
                  && n.path("done").asLong() >= 2 * 5 * 1024 * 1024,
          Duration.ofSeconds(60));
      long signalled = System.nanoTime();
      p.signal("TERM");
      assertThat(p.awaitExit(Duration.ofSeconds(25))).isEqualTo(143);
      assertThat(Duration.ofNanos(System.nanoTime() - signalled))
          .isLessThan(Duration.ofSeconds(20));
      assertThat(p.stdout()).contains("aborted");
      assertThat(p.events("backup.completed")).isEmpty();
    }
    assertThat(proxy.requests()).anyMatch(FaultProxy.Request::isAbort);
    assertNothingLeft(env);
  }

  @Test
  void a500OnOnePartIsRetriedWithTheSameBytes() throws Exception {
    proxy.inject(
        r -> r.isUploadPart() && r.partNumber() == 2, new Fault.Status(500, "InternalError"), 1);
    Map<String, String> env = env();
    TaskProcess p = run(env, "--database=app", "--compression=none", "--part-size=" + MIB_5);
    assertThat(p.exitCode()).as(p.stdout()).isZero();
    assertThat(proxy.requests().stream().filter(r -> r.isUploadPart() && r.partNumber() == 2))
        .hasSize(2);
    assertStoredMatchesLoggedSha(p);
  }

  @Test
  void aConnectionResetMidPartIsRetried() throws Exception {
    proxy.inject(r -> r.isUploadPart() && r.partNumber() == 1, new Fault.ResetMidBody(), 1);
    Map<String, String> env = env();
    TaskProcess p = run(env, "--database=app", "--compression=zstd", "--part-size=" + MIB_5);
    assertThat(p.exitCode()).as(p.stdout()).isZero();
    assertThat(proxy.requests().stream().filter(r -> r.isUploadPart() && r.partNumber() == 1))
        .hasSizeGreaterThanOrEqualTo(2);
    assertStoredMatchesLoggedSha(p);
  }

  @Test
  void a403IsNotRetriedAndTheUploadIsAborted() throws Exception {
    proxy.inject(FaultProxy.Request::isUploadPart, new Fault.Status(403, "AccessDenied"), 1000);
    Map<String, String> env = env();
    TaskProcess p = run(env, "--database=app", "--compression=none", "--part-size=" + MIB_5);
    assertThat(p.exitCode()).isEqualTo(1);
    assertThat(proxy.requests().stream().filter(r -> r.isUploadPart() && r.partNumber() == 1))
        .hasSize(1);
    assertThat(proxy.requests()).anyMatch(FaultProxy.Request::isAbort);
    assertNothingLeft(env);
  }

  @Test
  void aFailingCompleteMultipartUploadFailsTheRunAndAborts() throws Exception {
    proxy.inject(FaultProxy.Request::isComplete, new Fault.Status(500, "InternalError"), 1000);
    Map<String, String> env = env();
    TaskProcess p = run(env, "--database=app", "--part-size=" + MIB_5, "--retry-max-attempts=3");
    assertThat(p.exitCode()).isEqualTo(1);
    assertThat(proxy.requests().stream().filter(FaultProxy.Request::isComplete)).hasSize(3);
    assertThat(p.events("backup.completed")).isEmpty();
    assertFinalS3ErrorSaysWhere(p, env);
    assertNothingLeft(env);
  }

  @Test
  void partsThatKeepFailingEndInOneLineNamingEndpointBucketAndKey() throws Exception {
    proxy.inject(FaultProxy.Request::isUploadPart, new Fault.Status(503, "SlowDown"), 1000);
    Map<String, String> env = env();
    TaskProcess p =
        run(
            env,
            "--database=app",
            "--compression=none",
            "--part-size=" + MIB_5,
            "--retry-max-attempts=2");
    assertThat(p.exitCode()).isEqualTo(1);
    assertThat(proxy.requests().stream().filter(r -> r.isUploadPart() && r.partNumber() == 1))
        .hasSize(2);
    assertThat(failure(p).path("message").asText()).contains("503 SlowDown");
    assertFinalS3ErrorSaysWhere(p, env);
    assertNothingLeft(env);
  }

  private void assertFinalS3ErrorSaysWhere(TaskProcess p, Map<String, String> env) {
    JsonNode failed = failure(p);
    assertThat(failed.path("reason").asText()).isEqualTo("s3_failed");
    assertThat(failed.path("message").asText())
        .contains("at " + proxy.endpoint())
        .contains("s3://" + BUCKET + "/" + env.get("BACKUP_PREFIX") + "/app/app-")
        .contains("after retries")
        .doesNotContain("\n");
    assertThat(p.stdout() + p.stderr())
        .doesNotContain(S3ProxyServer.SECRET_KEY)
        .doesNotContain(TestDatabase.PASSWORD);
  }

  private static JsonNode failure(TaskProcess p) {
    List<JsonNode> failed = p.events("run.failed");
    assertThat(failed).as(p.stdout()).hasSize(1);
    return failed.get(0);
  }

  // Left open in issue 3's closing note: an empty PGPASSWORD_FILE against a SCRAM server was
  // exit 1 pg_unreachable, which the Job retried.
  /** {@link #env()} without any S3 keys, and a HOME without ~/.aws. */
  Map<String, String> envWithoutCredentials() throws Exception {
    Map<String, String> env = env();
    env.remove("AWS_ACCESS_KEY_ID");
    env.remove("AWS_SECRET_ACCESS_KEY");
    env.put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
    return env;
  }

  @Test
  void noS3CredentialsAtAllIsExit2WithOneShortLineSayingWhatToSet() throws Exception {
    // A new user's report: exit 1 "s3_failed (not retryable)" and 1,431 characters of the chain.
    TaskProcess p = run(envWithoutCredentials(), "--database=app");

    assertThat(p.exitCode()).as(p.stdout()).isEqualTo(2);
    assertThat(reason(p)).isEqualTo("s3_credentials_missing");
    String message = p.events("run.failed").get(0).path("message").asText();
    assertThat(message)
        .contains("BACKUP_S3_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID", "AWS_WEB_IDENTITY_TOKEN_FILE")
        .doesNotContain("AwsCredentialsProviderChain");
    assertThat(message.length()).isLessThan(400);
  }

  @Test
  void aWebIdentityTokenWhoseStsIsUnreachableIsARetryableExit1() throws Exception {
    Map<String, String> env = envWithoutCredentials();
    env.put("AWS_WEB_IDENTITY_TOKEN_FILE", Files.writeString(tmp.resolve("token"), "t").toString());
    env.put("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/backup");
    env.put("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:" + S3ProxyServer.freePort());
    env.put("BACKUP_RETRY_MAX_ATTEMPTS", "2");

    TaskProcess p = run(env, "--database=app");

    assertThat(p.exitCode()).as(p.stdout()).isEqualTo(1);
    assertThat(reason(p)).isEqualTo("s3_credentials_failed");
    assertThat(p.events("run.failed").get(0).path("message").asText())
        .contains("web identity")
        .doesNotContain("AwsCredentialsProviderChain");
    // Retried like any other remote failure: the retry policy logged attempt 1 of 2.
    assertThat(p.stdout()).contains("attempt 1/2");
    assertNothingLeft(env);
  }

  @Test
  void anEmptyPasswordFileIsAConfigurationErrorNamingTheFile() throws Exception {
    Path file = tmp.resolve("pgpassword");
    Files.writeString(file, "\n");
    Map<String, String> env = env();
    env.remove("PGPASSWORD");
    env.put("PGPASSWORD_FILE", file.toString());
    TaskProcess p = run(env, "--database=app");
    assertThat(p.exitCode()).as(p.stdout()).isEqualTo(2);
    JsonNode invalid = p.events("config.invalid").get(0);
    assertThat(invalid.path("option").asText()).isEqualTo("PGPASSWORD_FILE");
    assertThat(invalid.path("message").asText()).contains(file + " is empty");
    assertThat(proxy.requests()).isEmpty();
  }

  @Test
  void noPasswordForAServerThatWantsOneIsAConfigurationErrorNotARetry() throws Exception {
    Map<String, String> env = env();
    env.put("PGPASSWORD", ""); // as a manifest renders an optional value: counts as unset
    TaskProcess p = run(env, "--database=app");
    assertThat(p.exitCode()).as(p.stdout()).isEqualTo(2);
    JsonNode failed = failure(p);
    assertThat(failed.path("reason").asText()).isEqualTo("pg_auth_failed");
    assertThat(failed.path("message").asText())
        .contains("asks for a password and none was given")
        .contains("PGPASSWORD_FILE");
    assertThat(proxy.requests()).isEmpty();
  }

  @Test
  void aWrongPasswordIsAConfigurationErrorAndNeverPrinted() throws Exception {
    String wrong = "wrong-" + Long.toHexString(System.nanoTime());
    Path file = tmp.resolve("pgpassword");
    Files.writeString(file, wrong + "\n");
    Map<String, String> env = env();
    env.remove("PGPASSWORD");
    env.put("PGPASSWORD_FILE", file.toString());
    TaskProcess p = run(env, "--database=app");
    assertThat(p.exitCode()).as(p.stdout()).isEqualTo(2);
    assertThat(failure(p).path("reason").asText()).isEqualTo("pg_auth_failed");
    assertThat(failure(p).path("message").asText()).contains("PGPASSWORD_FILE");
    assertThat(p.stdout() + p.stderr()).doesNotContain(wrong);
    assertThat(proxy.requests()).isEmpty();
  }

  @Test
  void pgDumpThatWritesNothingIsNotASuccess() throws Exception {
    Path bin =
        fakeTool(
            "pg_dump",
            "if [ \"$1\" = --version ]; then exec /usr/bin/pg_dump --version; fi\nexit 0");
    Map<String, String> env = env();
    TaskProcess p = run(env, "--database=app", "--pg-bin-dir=" + bin);
    assertThat(p.exitCode()).isEqualTo(1);
    assertThat(reason(p)).isEqualTo("archive_invalid");
    assertNothingLeft(env);
  }

  @Test
  void pgDumpFailingBeforeWritingIsNotASuccess() throws Exception {
    Map<String, String> env = env();
    TaskProcess p = run(env, "--database=app", "--pg-dump-arg=--table=no_such_table");
    assertThat(p.exitCode()).isEqualTo(1);
    assertThat(reason(p)).isEqualTo("pg_dump_failed");
    assertThat(p.stdout()).contains("no matching tables");
    assertNothingLeft(env);
  }

  @Test
  void anOlderPgDumpIsRefusedBeforeAnyS3Call() throws Exception {
    Path bin =
        fakeTool(
            "pg_dump",
            "if [ \"$1\" = --version ]; then echo 'pg_dump (PostgreSQL) 9.6.24'; exit 0; fi\nexit 1");
    TaskProcess p = run(env(), "--database=app", "--pg-bin-dir=" + bin);
    assertThat(p.exitCode()).isEqualTo(2);
    assertThat(reason(p)).isEqualTo("version_mismatch");
    assertThat(proxy.requests()).isEmpty();
  }

  @Test
  void warningsOnStderrStayOutOfTheArchiveAndCredentialsStayOutOfArgv() throws Exception {
    Path argv = tmp.resolve("argv");
    Path childEnv = tmp.resolve("env");
    Path bin =
        fakeTool(
            "pg_dump",
            "if [ \"$1\" = --version ]; then exec /usr/bin/pg_dump --version; fi\n"
                // After the exec below this PID is the real pg_dump: read its /proc/<pid>/cmdline
                // (readable by anyone on the node) and its environment.
                + "( sleep 0.3; tr '\\0' ' ' < /proc/$$/cmdline > "
                + argv
                + "; tr '\\0' '\\n' < /proc/$$/environ > "
                + childEnv
                + " ) &\n"
                + "echo 'pg_dump: warning: injected warning for the test' >&2\n"
                + "exec /usr/bin/pg_dump \"$@\"");
    Path tmpdir = Files.createDirectories(tmp.resolve("javatmp"));
    Map<String, String> env = env();
    TaskProcess p =
        TaskProcess.start(
            TaskProcess.taskJar(),
            List.of("-Djava.io.tmpdir=" + tmpdir),
            env,
            "--database=app",
            "--format=custom",
            "--compression=none",
            "--pg-bin-dir=" + bin);
    assertThat(p.awaitExit(Duration.ofMinutes(2))).as(p.stdout()).isZero();
    JsonNode warning =
        p.jsonLines().stream()
            .filter(n -> n.path("message").asText().contains("injected warning"))
            .findFirst()
            .orElseThrow();
    assertThat(warning.path("level").asText()).isEqualTo("WARN");
    String key = p.events("backup.completed").get(0).get("key").asText();
    byte[] stored = s3.get(BUCKET, key);
    assertThat(new String(stored, 0, 5, java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("PGDMP");
    assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain("injected warning");
    assertThat(Files.readString(argv))
        // (Debian's /usr/bin/pg_dump execs /usr/lib/postgresql/<major>/bin/pg_dump in place.)
        .contains("pg_dump --format=c --no-password --dbname=dbname='app'")
        .doesNotContain(TestDatabase.PASSWORD);
    String seen = Files.readString(childEnv);
    assertThat(seen)
        .doesNotContain(TestDatabase.PASSWORD)
        .doesNotContain(S3ProxyServer.SECRET_KEY)
        .contains("PGPASSFILE=" + tmpdir);
    // The password file is gone after the run.
    try (var left = Files.walk(tmpdir)) {
      assertThat(left.filter(f -> f.toString().contains("taskrunner-backup-"))).isEmpty();
    }
    assertThat(p.stdout() + p.stderr())
        .doesNotContain(TestDatabase.PASSWORD)
        .doesNotContain(S3ProxyServer.SECRET_KEY);
  }

  @Test
  void aDumpSeveralTimesLargerThanTheHeapCompletes() throws Exception {
    // ~96 MB dump through a 32 MiB heap: memory is parts in flight x part size, not dump size.
    Map<String, String> env = env();
    TaskProcess p =
        TaskProcess.start(
            TaskProcess.taskJar(),
            List.of("-Xmx32m"),
            env,
            "--database=app",
            "--compression=none",
            "--part-size=" + MIB_5);
    assertThat(p.awaitExit(Duration.ofMinutes(2))).as(p.stdout() + p.stderr()).isZero();
    assertThat(p.events("backup.completed").get(0).get("bytes").asLong())
        .isGreaterThan(5L * 32 * 1024 * 1024 / 2);
    assertStoredMatchesLoggedSha(p);
  }

  @Test
  void partsThatCannotFitTheHeapAreRefusedBeforeAnyUpload() {
    // 3 x 64 MiB of part buffers in a 64 MiB heap: an OutOfMemoryError mid-upload otherwise.
    Map<String, String> env = env();
    TaskProcess p =
        TaskProcess.start(
            TaskProcess.taskJar(), List.of("-Xmx64m"), env, "--database=app", "--part-size=64MiB");
    assertThat(p.awaitExit(Duration.ofMinutes(2))).as(p.stdout()).isEqualTo(2);
    JsonNode invalid = p.events("config.invalid").get(0);
    assertThat(invalid.path("option").asText()).contains("--part-size");
    assertThat(invalid.path("reason").asText()).contains("--parts-in-flight", "200 MiB of heap");
    assertThat(proxy.requests()).isEmpty();
    assertNothingLeft(env);
  }

  private static void assertStoredMatchesLoggedSha(TaskProcess p) throws Exception {
    JsonNode done = p.events("backup.completed").get(0);
    byte[] stored = s3.get(BUCKET, done.get("key").asText());
    assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(stored)))
        .isEqualTo(done.get("sha256").asText());
    assertThat((long) stored.length).isEqualTo(done.get("bytes").asLong());
  }
}
