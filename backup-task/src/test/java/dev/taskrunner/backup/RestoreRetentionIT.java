package dev.taskrunner.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskrunner.backup.testing.S3ProxyServer;
import dev.taskrunner.backup.testing.TestDatabase;
import dev.taskrunner.common.testing.Pushgateway;
import dev.taskrunner.common.testing.TaskProcess;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/** Restore safety, --latest, retention, several databases, naming and metrics. */
class RestoreRetentionIT {
  static final String BUCKET = "restore";
  static final String ODD_NAME = "Odd name/ü %2F-'x'";
  static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  static TestDatabase db;
  static S3ProxyServer s3;

  @BeforeAll
  static void start() throws Exception {
    db = TestDatabase.start();
    s3 = S3ProxyServer.start();
    s3.createBucket(BUCKET);
    db.createSampleDatabase("app", 2000);
    db.createSampleDatabase("app-analytics", 100);
    db.createSampleDatabase(ODD_NAME, 50);
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

  static Map<String, String> env(String prefix) {
    Map<String, String> env = new HashMap<>(db.env());
    env.putAll(s3.env(BUCKET));
    env.put("BACKUP_PREFIX", prefix);
    return env;
  }

  static TaskProcess run(Map<String, String> env, String... args) {
    return TaskProcess.run(TaskProcess.taskJar(), env, Duration.ofMinutes(3), args);
  }

  static String backup(Map<String, String> env, String... args) {
    TaskProcess p = run(env, args);
    assertThat(p.exitCode()).as(p.stdout()).isZero();
    return p.events("backup.completed").get(0).get("key").asText();
  }

  static void put(String key, byte[] body) {
    s3.client().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(body));
  }

  @Test
  void restoreRefusesACorruptedObjectAndCommitsNothing() throws Exception {
    Map<String, String> env = env("corrupt");
    String key = backup(env, "--database=app", "--compression=none");
    byte[] stored = s3.get(BUCKET, key);
    stored[stored.length / 2] ^= 0x55;
    put(key, stored);
    TaskProcess p =
        run(
            env,
            "--mode=restore",
            "--key=" + key,
            "--target-database=corrupt_target",
            "--create-target");
    assertThat(p.exitCode()).isEqualTo(1);
    assertThat(p.events("run.failed").get(0).get("reason").asText())
        .isIn("checksum_mismatch", "restore_failed");
    assertThat(
            db.scalar(
                "corrupt_target",
                "select count(*) from information_schema.tables where table_schema = 'public'"))
        .isZero();
  }

  @Test
  void restoreRefusesATruncatedObjectBeforeTouchingTheDatabase() throws Exception {
    Map<String, String> env = env("truncated");
    String key = backup(env, "--database=app");
    byte[] stored = s3.get(BUCKET, key);
    put(key, java.util.Arrays.copyOf(stored, stored.length - 100));
    TaskProcess p =
        run(
            env,
            "--mode=restore",
            "--key=" + key,
            "--target-database=never_created",
            "--create-target");
    assertThat(p.exitCode()).isEqualTo(1);
    assertThat(p.events("run.failed").get(0).get("reason").asText()).isEqualTo("size_mismatch");
    assertThat(
            db.scalar(
                "postgres", "select count(*) from pg_database where datname = 'never_created'"))
        .isZero();
    TaskProcess verify = run(env, "--mode=verify", "--key=" + key);
    assertThat(verify.exitCode()).isEqualTo(1);
  }

  @Test
  void restoreLatestPicksTheNewestBackupOfExactlyThatDatabase() throws Exception {
    Map<String, String> env = env("latest");
    backup(env, "--database=app-analytics");
    String appKey = backup(env, "--database=app", "--format=plain", "--compression=zstd");
    // A newer backup of app-analytics must not be picked for app.
    backup(env, "--database=app-analytics");
    TaskProcess verify = run(env, "--mode=verify", "--latest", "--database=app");
    assertThat(verify.exitCode()).as(verify.stdout()).isZero();
    assertThat(verify.events("verify.completed").get(0).get("key").asText()).isEqualTo(appKey);
    TaskProcess restore =
        run(
            env,
            "--mode=restore",
            "--latest",
            "--database=app",
            "--target-database=app_latest",
            "--create-target");
    assertThat(restore.exitCode()).as(restore.stdout()).isZero();
    assertThat(db.fingerprint("app_latest", "items")).isEqualTo(db.fingerprint("app", "items"));
  }

  @Test
  void retentionTouchesOnlyThisDatabasesOldBackups() throws Exception {
    String prefix = "retention";
    Map<String, String> env = env(prefix);
    Instant now = Instant.now();
    List<String> appOld = new java.util.ArrayList<>();
    for (int days : new int[] {40, 20, 10, 5}) {
      String k =
          prefix
              + "/app/app-"
              + STAMP.format(now.minus(Duration.ofDays(days)))
              + "-aa"
              + days
              + ".dump.zst";
      put(k, new byte[] {1});
      appOld.add(k);
    }
    String analytics =
        prefix
            + "/app-analytics/app-analytics-"
            + STAMP.format(now.minus(Duration.ofDays(90)))
            + "-bb.dump.zst";
    String lookalike =
        prefix
            + "/app/app-analytics-"
            + STAMP.format(now.minus(Duration.ofDays(90)))
            + "-cc.dump.zst";
    String unrelated = prefix + "/app/notes.txt";
    for (String k : List.of(analytics, lookalike, unrelated)) {
      put(k, new byte[] {2});
    }

    // A failed backup runs no retention.
    TaskProcess failed =
        run(env, "--database=app", "--keep-last=1", "--pg-dump-arg=--table=no_such_table");
    assertThat(failed.exitCode()).isEqualTo(1);
    assertThat(failed.events("retention.plan")).isEmpty();
    assertThat(s3.keys(BUCKET)).containsAll(appOld);

    // Dry run: the plan is logged, nothing is deleted.
    TaskProcess dry = run(env, "--database=app", "--keep-last=2", "--dry-run");
    assertThat(dry.exitCode()).isZero();
    JsonNode plan = dry.events("retention.plan").get(0);
    assertThat(plan.get("delete")).hasSize(3);
    assertThat(s3.keys(BUCKET)).containsAll(appOld);

    // max-age 15d keeps the 10- and 5-day-old ones plus the two new ones.
    TaskProcess aged = run(env, "--database=app", "--max-age=15d");
    assertThat(aged.exitCode()).as(aged.stdout()).isZero();
    String newest = aged.events("backup.completed").get(0).get("key").asText();
    List<String> keys = s3.keys(BUCKET);
    assertThat(keys).doesNotContain(appOld.get(0), appOld.get(1));
    assertThat(keys).contains(appOld.get(2), appOld.get(3), newest, newest + ".manifest.json");
    assertThat(keys).contains(analytics, lookalike, unrelated);

    // keep-last 1: only the object just written stays.
    TaskProcess last;
    try (Pushgateway gateway = Pushgateway.start()) {
      env.put("PUSHGATEWAY_URL", gateway.url().toString());
      last = run(env, "--database=app", "--keep-last=1");
      assertThat(last.exitCode()).isZero();
      assertThat(gateway.metrics())
          .containsPattern(
              "taskrunner_backup_retention_deleted_total\\{[^}]*database=\"app\"[^}]*} 4(\\.0)?\\s");
    }
    String kept = last.events("backup.completed").get(0).get("key").asText();
    keys = s3.keys(BUCKET);
    assertThat(
            keys.stream()
                .filter(k -> k.startsWith(prefix + "/app/app-2") && !k.endsWith(".manifest.json")))
        .containsExactlyInAnyOrder(kept);
    assertThat(keys).contains(kept + ".manifest.json", analytics, lookalike, unrelated);
    assertThat(last.events("retention.completed").get(0).get("deleted").asInt()).isEqualTo(4);
  }

  @Test
  void zeroOrNegativeRetentionIsAConfigurationError() {
    TaskProcess p = run(env("bad"), "--database=app", "--keep-last=0");
    assertThat(p.exitCode()).isEqualTo(2);
    assertThat(p.stdoutLines()).anyMatch(l -> l.contains("--keep-last"));
  }

  @Test
  void twoRunsInTheSameSecondNeverOverwriteEachOther() throws Exception {
    Map<String, String> env = env("same-second");
    try (TaskProcess a =
            TaskProcess.start(TaskProcess.taskJar(), List.of(), env, "--database=app");
        TaskProcess b =
            TaskProcess.start(TaskProcess.taskJar(), List.of(), env, "--database=app")) {
      assertThat(a.awaitExit(Duration.ofMinutes(2))).isZero();
      assertThat(b.awaitExit(Duration.ofMinutes(2))).isZero();
      JsonNode da = a.events("backup.completed").get(0);
      JsonNode db = b.events("backup.completed").get(0);
      String ka = da.get("key").asText();
      String kb = db.get("key").asText();
      assertThat(ka).isNotEqualTo(kb);
      assertThat(s3.keys(BUCKET)).contains(ka, kb, ka + ".manifest.json", kb + ".manifest.json");
      // Nothing was overwritten: each object still hashes to what its own run stored.
      for (JsonNode done : List.of(da, db)) {
        byte[] stored = s3.get(BUCKET, done.get("key").asText());
        assertThat(
                java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(stored)))
            .isEqualTo(done.get("sha256").asText());
      }
    }
  }

  @Test
  void allDatabasesStoresEachDatabaseAndTheGlobalsAndPushesMetrics() throws Exception {
    try (Pushgateway gateway = Pushgateway.start()) {
      Map<String, String> env = env("all");
      env.put("PUSHGATEWAY_URL", gateway.url().toString());
      TaskProcess p = run(env, "--all-databases", "--database=postgres");
      assertThat(p.exitCode()).as(p.stdout()).isZero();
      List<String> databases =
          p.events("backup.completed").stream().map(n -> n.get("database").asText()).toList();
      assertThat(databases).contains("app", "app-analytics", ODD_NAME, "_globals");
      String odd =
          p.events("backup.completed").stream()
              .filter(n -> n.get("database").asText().equals(ODD_NAME))
              .findFirst()
              .orElseThrow()
              .get("key")
              .asText();
      assertThat(odd).startsWith("all/Odd%20name%2F%C3%BC%20%252F-%27x%27/");
      String metrics = gateway.metrics();
      assertThat(metrics).contains("taskrunner_backup_size_bytes").contains("database=\"app\"");
      assertThat(metrics).contains("taskrunner_backup_last_success_timestamp_seconds");
      assertThat(metrics)
          .contains("taskrunner_backup_duration_seconds")
          .containsPattern("taskrunner_run_status\\{[^}]*task=\"backup\"[^}]*} 0(\\.0)?\\s");

      // The odd name round-trips: the manifest keeps the real name, and the ASCII-only key
      // restores it. (The child JVMs run without a UTF-8 locale, so pg_dump got the name through a
      // libpq service file; argv would have turned the "ü" into "?". The name is not passed in
      // this JVM's argv to the task for the same reason.)
      assertThat(
              new com.fasterxml.jackson.databind.ObjectMapper()
                  .readTree(s3.get(BUCKET, odd + ".manifest.json"))
                  .get("database")
                  .asText())
          .isEqualTo(ODD_NAME);
      TaskProcess restore =
          run(env, "restore", "--key=" + odd, "--target-database=odd_restored", "--create-target");
      assertThat(restore.exitCode()).as(restore.stdout()).isZero();
      assertThat(db.fingerprint("odd_restored", "items"))
          .isEqualTo(db.fingerprint(ODD_NAME, "items"));
    }
  }

  @Test
  void oneFailingDatabaseDoesNotStopTheOthersAndExitsPartial() throws Exception {
    db.createSampleDatabase("locked_out", 10);
    db.execute("postgres", "create role limited login password 'limited-pw'");
    for (String name : List.of("app", "app-analytics", ODD_NAME, "postgres_main", "postgres")) {
      db.execute(
          name,
          "grant select on all tables in schema public to limited",
          "grant select on all sequences in schema public to limited");
    }
    Map<String, String> env = env("partial");
    env.put("PGUSER", "limited");
    env.put("PGPASSWORD", "limited-pw");
    // "limited" may read every database but locked_out, whose tables pg_dump cannot lock.
    TaskProcess p = run(env, "--database=postgres", "--all-databases");
    assertThat(p.exitCode()).as(p.stdout()).isEqualTo(3);
    assertThat(p.events("backup.failed").stream().map(n -> n.get("database").asText()))
        .contains("locked_out");
    assertThat(p.events("backup.completed").stream().map(n -> n.get("database").asText()))
        .contains("app", "app-analytics");
  }
}
