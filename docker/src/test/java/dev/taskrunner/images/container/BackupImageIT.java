package dev.taskrunner.images.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskrunner.images.TaskImage;
import dev.taskrunner.images.monitoring.MonitoringQueries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The db-backup CronJob, in containers on one Docker network: PostgreSQL, an S3 server (S3Proxy)
 * and a Pushgateway; backup with the image, restore into a new database with the same image,
 * compare the data.
 */
class BackupImageIT {
  private static final String DB_PASSWORD = "p@ss:w/rd #1 'x'";
  private static final String S3_KEY_ID = "backup-test";
  private static final String S3_SECRET = "backup-test-secret";
  private static final String BUCKET = "backups";

  private static Network network;
  private static GenericContainer<?> postgres;
  private static PushgatewayContainer gateway;
  private static S3ProxyContainer s3;
  @TempDir static Path s3Work;
  @TempDir static Path secretVolume;

  @BeforeAll
  static void start() throws Exception {
    network = Network.newNetwork();
    postgres =
        new GenericContainer<>(ServerImages.postgres())
            .withNetwork(network)
            .withNetworkAliases("db")
            .withEnv("POSTGRES_USER", "postgres")
            .withEnv("POSTGRES_PASSWORD", DB_PASSWORD)
            .withEnv("POSTGRES_DB", "app")
            .withCommand("postgres", "-c", "fsync=off")
            .waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*", 2))
            .withStartupTimeout(Duration.ofMinutes(2));
    postgres.start();
    // The password as the CronJob gets it: a file in a read-only Secret volume, named by
    // PGPASSWORD_FILE (readable by the pod's fsGroup there; world-readable here).
    Files.writeString(secretVolume.resolve("password"), DB_PASSWORD);
    Files.setPosixFilePermissions(secretVolume, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(
        secretVolume.resolve("password"), PosixFilePermissions.fromString("rw-r--r--"));
    gateway = new PushgatewayContainer(network);
    gateway.start();
    s3 = new S3ProxyContainer(network, s3Work, S3_KEY_ID, S3_SECRET, BUCKET);
    s3.start();
    psql(
        "app",
        "CREATE TABLE item (id int PRIMARY KEY, name text, payload bytea);"
            + " INSERT INTO item SELECT g, 'name ' || g || ' äöü', sha256(g::text::bytea)"
            + " FROM generate_series(1, 5000) g;");
  }

  @AfterAll
  static void stop() {
    for (GenericContainer<?> c : new GenericContainer<?>[] {s3, gateway, postgres}) {
      if (c != null) {
        c.stop();
      }
    }
    if (network != null) {
      network.close();
    }
  }

  private static String psql(String database, String sql) throws Exception {
    ExecResult result =
        postgres.execInContainer(
            "psql", "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-tAc", sql);
    assertThat(result.getExitCode()).as(result.getStderr()).isZero();
    return result.getStdout().strip();
  }

  private static HardenedContainer backupTask() {
    return new HardenedContainer(TaskImage.BACKUP.image())
        .withNetwork(network)
        .withEnv("PGHOST", "db")
        .withEnv("PGPORT", "5432")
        .withEnv("PGUSER", "postgres")
        .withFileSystemBind(
            secretVolume.toString(), "/var/run/secrets/taskrunner/db", BindMode.READ_ONLY)
        .withEnv("PGPASSWORD_FILE", "/var/run/secrets/taskrunner/db/password")
        .withEnv("PGDATABASE", "app")
        .withEnv("BACKUP_BUCKET", BUCKET)
        .withEnv("BACKUP_S3_ENDPOINT", S3ProxyContainer.ENDPOINT)
        .withEnv("BACKUP_S3_PATH_STYLE", "true")
        .withEnv("BACKUP_S3_REGION", "us-east-1")
        .withEnv("BACKUP_S3_CHECKSUM", "when_required")
        .withEnv("AWS_ACCESS_KEY_ID", S3_KEY_ID)
        .withEnv("AWS_SECRET_ACCESS_KEY", S3_SECRET);
  }

  @Test
  void sigtermWhilePgDumpWaitsStopsCleanlyAndLeavesNoObject() throws Exception {
    // A session holding an exclusive lock: pg_dump waits for it, as it would behind a long
    // migration, until the Job's activeDeadlineSeconds sends SIGTERM.
    Thread locker =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    postgres.execInContainer(
                        "psql",
                        "-U",
                        "postgres",
                        "-d",
                        "app",
                        "-c",
                        "BEGIN; LOCK TABLE item IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(300);");
                  } catch (Exception e) {
                    // ended by pg_terminate_backend below
                  }
                });
    try {
      awaitSql(
          "SELECT count(*) > 0 FROM pg_locks"
              + " WHERE relation = 'item'::regclass AND mode = 'AccessExclusiveLock' AND granted",
          "t");
      List<String> before = s3.objects(BUCKET);
      TaskRun run =
          backupTask()
              .waitingFor(Wait.forLogMessage(".*\"event\":\"run.started\".*", 1))
              .runAndStop(
                  () ->
                      awaitSql(
                          "SELECT count(*) > 0 FROM pg_stat_activity"
                              + " WHERE application_name = 'taskrunner-backup'"
                              + " AND wait_event_type = 'Lock'",
                          "t"),
                  Duration.ofSeconds(30));
      // 143: SIGTERM handled within the task's 20 s grace (137 would mean SIGKILL).
      assertThat(run.exitCode()).as(run.describe()).isEqualTo(143);
      assertThat(run.events("run.stopping")).as(run.describe()).hasSize(1);
      assertThat(s3.objects(BUCKET)).as("no partial object").isEqualTo(before);
    } finally {
      psql(
          "app",
          "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
              + " WHERE query LIKE '%pg_sleep(300)%' AND pid <> pg_backend_pid()");
      locker.join();
    }
  }

  private static void awaitSql(String sql, String expected) {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    try {
      while (!psql("app", sql).equals(expected)) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("timed out waiting for " + sql + " = " + expected);
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static final String CHECKSUM =
      "SELECT count(*) || ':' || md5(string_agg(id || '|' || name || '|' || encode(payload, 'hex'),"
          + " ',' ORDER BY id)) FROM item";

  @Test
  void backupThenRestoreWithTheSameImageGivesTheSameData() throws Exception {
    TaskRun backup = backupTask().withEnv("PUSHGATEWAY_URL", PushgatewayContainer.URL).run();
    assertThat(backup.exitCode()).as(backup.describe()).isZero();
    assertThat(backup.events("backup.completed")).as(backup.describe()).hasSize(1);
    assertThat(backup.stdout() + backup.stderr()).doesNotContain(DB_PASSWORD, S3_SECRET);
    assertThat(s3.objects(BUCKET)).as("objects in the bucket").isNotEmpty();
    assertThat(gateway.metricNames())
        .as("pushed by %s; docker/kubernetes/monitoring uses them", TaskImage.BACKUP.image())
        .containsAll(MonitoringQueries.metricNames(TaskImage.BACKUP));

    TaskRun restore =
        backupTask()
            .withCommand(
                "--mode=restore",
                "--latest",
                "--database",
                "app",
                "--target-database",
                "app_restored",
                "--create-target")
            .run();
    assertThat(restore.exitCode()).as(restore.describe()).isZero();
    restore.jsonLines();

    assertThat(psql("app_restored", CHECKSUM)).isEqualTo(psql("app", CHECKSUM)).startsWith("5000:");
  }
}
