package dev.taskrunner.images.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskrunner.images.TaskImage;
import dev.taskrunner.images.monitoring.MonitoringQueries;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Properties;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The db-backup CronJob, in a container: PostgreSQL on a Docker network, an S3 server, backup with
 * the image, restore into a new database with the same image, compare the data.
 *
 * <p>The S3 server is S3Proxy in this JVM, listening on all addresses and reached from the
 * containers as {@code host.docker.internal} (Docker's host gateway): no S3 server image can be
 * pulled on machines without a registry.
 */
class BackupImageIT {
  private static final String DB_PASSWORD = "p@ss:w/rd #1 'x'";
  private static final String S3_KEY_ID = "backup-test";
  private static final String S3_SECRET = "backup-test-secret";
  private static final String BUCKET = "backups";

  private static Network network;
  private static GenericContainer<?> postgres;
  private static PushgatewayContainer gateway;
  private static S3Proxy s3;
  private static BlobStoreContext blobs;
  private static int s3Port;

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
    gateway = new PushgatewayContainer(network);
    gateway.start();
    psql(
        "app",
        "CREATE TABLE item (id int PRIMARY KEY, name text, payload bytea);"
            + " INSERT INTO item SELECT g, 'name ' || g || ' äöü', sha256(g::text::bytea)"
            + " FROM generate_series(1, 5000) g;");

    try (ServerSocket socket = new ServerSocket(0)) {
      s3Port = socket.getLocalPort();
    }
    Properties props = new Properties();
    blobs =
        ContextBuilder.newBuilder("transient")
            .credentials(S3_KEY_ID, S3_SECRET)
            .overrides(props)
            .build(BlobStoreContext.class);
    blobs.getBlobStore().createContainerInLocation(null, BUCKET);
    s3 =
        S3Proxy.builder()
            .blobStore(blobs.getBlobStore())
            .endpoint(URI.create("http://0.0.0.0:" + s3Port))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, S3_KEY_ID, S3_SECRET)
            .build();
    s3.start();
    while (!AbstractLifeCycle.STARTED.equals(s3.getState())) {
      Thread.sleep(20);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (s3 != null) {
      s3.stop();
    }
    if (blobs != null) {
      blobs.close();
    }
    if (postgres != null) {
      postgres.stop();
    }
    if (gateway != null) {
      gateway.stop();
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
        .withExtraHost("host.docker.internal", "host-gateway")
        .withEnv("PGHOST", "db")
        .withEnv("PGPORT", "5432")
        .withEnv("PGUSER", "postgres")
        .withEnv("PGPASSWORD", DB_PASSWORD)
        .withEnv("PGDATABASE", "app")
        .withEnv("BACKUP_BUCKET", BUCKET)
        .withEnv("BACKUP_S3_ENDPOINT", "http://host.docker.internal:" + s3Port)
        .withEnv("BACKUP_S3_PATH_STYLE", "true")
        .withEnv("BACKUP_S3_REGION", "us-east-1")
        .withEnv("BACKUP_S3_CHECKSUM", "when_required")
        .withEnv("AWS_ACCESS_KEY_ID", S3_KEY_ID)
        .withEnv("AWS_SECRET_ACCESS_KEY", S3_SECRET);
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
    assertThat(blobs.getBlobStore().list(BUCKET)).isNotEmpty();
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
