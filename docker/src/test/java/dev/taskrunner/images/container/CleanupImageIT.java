package dev.taskrunner.images.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskrunner.images.TaskImage;
import dev.taskrunner.images.monitoring.MonitoringQueries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.Network;

/**
 * The log-cleanup CronJob, in a container: a mounted volume (as the app's log volume is in the pod)
 * with old and new files; dry-run first changes nothing, then the real run deletes exactly the old
 * files.
 */
class CleanupImageIT {
  @TempDir Path volume;

  @BeforeEach
  void fillVolume() throws IOException {
    // World-writable like a shared log volume, so user 65532 may unlink in it.
    Files.setPosixFilePermissions(volume, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path app = Files.createDirectories(volume.resolve("app"));
    Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rwxrwxrwx"));
    Instant now = Instant.now();
    for (int i = 0; i < 5; i++) {
      write(app.resolve("old-" + i + ".log"), now.minus(Duration.ofDays(40 + i)));
      write(app.resolve("new-" + i + ".log"), now.minus(Duration.ofDays(i)));
    }
    write(volume.resolve("old-top.log"), now.minus(Duration.ofDays(31)));
  }

  private static void write(Path file, Instant mtime) throws IOException {
    Files.writeString(file, "line\n".repeat(100));
    Files.setLastModifiedTime(file, FileTime.from(mtime));
  }

  private TaskRun cleanup(String... extraArgs) {
    String[] args =
        Stream.concat(Stream.of("--root", "/logs"), Stream.of(extraArgs)).toArray(String[]::new);
    return new HardenedContainer(TaskImage.CLEANUP.image())
        .withFileSystemBind(volume.toString(), "/logs", BindMode.READ_WRITE)
        .withEnv("CLEANUP_OLDER_THAN", "30d")
        .withCommand(args)
        .run();
  }

  private Stream<String> names() throws IOException {
    try (Stream<Path> files = Files.walk(volume)) {
      return files
          .filter(Files::isRegularFile)
          .map(p -> volume.relativize(p).toString())
          .sorted()
          .toList()
          .stream();
    }
  }

  @Test
  void dryRunThenRealRunDeletesExactlyTheOldFiles() throws IOException {
    var before = names().toList();

    TaskRun dry = cleanup("--dry-run");
    assertThat(dry.exitCode()).as(dry.describe()).isZero();
    dry.jsonLines(); // every stdout line is JSON
    assertThat(dry.events("cleanup.summary")).as(dry.describe()).hasSize(1);
    assertThat(names().toList()).as("dry-run changes nothing").isEqualTo(before);

    TaskRun real = cleanup();
    assertThat(real.exitCode()).as(real.describe()).isZero();
    real.jsonLines();
    assertThat(real.events("cleanup.summary").getFirst().path("deleted").asLong())
        .as(real.describe())
        .isEqualTo(6);
    assertThat(names().toList())
        .containsExactly(
            "app/new-0.log", "app/new-1.log", "app/new-2.log", "app/new-3.log", "app/new-4.log");
  }

  @Test
  void pushesTheMetricsTheAlertsAndTheDashboardUse() {
    try (Network network = Network.newNetwork();
        PushgatewayContainer gateway = new PushgatewayContainer(network)) {
      gateway.start();
      TaskRun run =
          new HardenedContainer(TaskImage.CLEANUP.image())
              .withNetwork(network)
              .withFileSystemBind(volume.toString(), "/logs", BindMode.READ_WRITE)
              .withEnv("CLEANUP_ROOT", "/logs")
              .withEnv("CLEANUP_OLDER_THAN", "30d")
              .withEnv("PUSHGATEWAY_URL", PushgatewayContainer.URL)
              .run();
      assertThat(run.exitCode()).as(run.describe()).isZero();
      assertThat(gateway.metricNames())
          .as("pushed by %s; docker/kubernetes/monitoring uses them", TaskImage.CLEANUP.image())
          .containsAll(MonitoringQueries.metricNames(TaskImage.CLEANUP));
    }
  }

  @Test
  void dangerousRootIsRefusedWithExitTwo() {
    TaskRun run = new HardenedContainer(TaskImage.CLEANUP.image()).withCommand("--root", "/").run();
    assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
    run.jsonLines();
  }
}
