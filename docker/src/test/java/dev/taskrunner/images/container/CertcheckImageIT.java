package dev.taskrunner.images.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskrunner.images.TaskImage;
import dev.taskrunner.images.monitoring.MonitoringQueries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The cert-renewal-check CronJob, in a container: a TLS server container on the same Docker network
 * presents a certificate that expires in 10 days (under the default 28-day warning), and the same
 * certificate is mounted read-only as a file, the way a Secret volume is.
 */
class CertcheckImageIT {
  private static final int PORT = 8443;
  private static final String HOST = "tls-server";

  private static Network network;
  private static GenericContainer<?> server;
  @TempDir static Path secretVolume;

  @BeforeAll
  static void startTlsServer() throws Exception {
    network = Network.newNetwork();
    server =
        new GenericContainer<>(ServerImages.openssl())
            .withNetwork(network)
            .withNetworkAliases(HOST)
            .withCommand(
                "sh",
                "-c",
                "openssl req -x509 -newkey rsa:2048 -nodes -days 10 -subj /CN="
                    + HOST
                    + " -addext subjectAltName=DNS:"
                    + HOST
                    + " -keyout /tmp/tls.key -out /tmp/tls.crt 2>/dev/null"
                    + " && exec openssl s_server -accept "
                    + PORT
                    + " -cert /tmp/tls.crt -key /tmp/tls.key -www")
            .waitingFor(Wait.forLogMessage(".*ACCEPT.*", 1))
            .withStartupTimeout(Duration.ofMinutes(1));
    server.start();
    server.copyFileFromContainer("/tmp/tls.crt", secretVolume.resolve("tls.crt").toString());
    // A Secret volume's files are readable by the pod's fsGroup; here simply world-readable.
    Files.setPosixFilePermissions(secretVolume, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(
        secretVolume.resolve("tls.crt"), PosixFilePermissions.fromString("rw-r--r--"));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.stop();
    }
    if (network != null) {
      network.close();
    }
  }

  private static HardenedContainer certcheck() {
    return new HardenedContainer(TaskImage.CERTCHECK.image()).withNetwork(network);
  }

  @Test
  void endpointCertificateUnderTheWarningThresholdIsAFinding() {
    TaskRun run = certcheck().withEnv("CERTCHECK_TARGET", HOST + ":" + PORT).run();
    assertThat(run.exitCode()).as(run.describe()).isEqualTo(4);
    List<JsonNode> results = run.events("certcheck.result");
    assertThat(results).as(run.describe()).isNotEmpty();
    assertThat(results)
        .anySatisfy(r -> assertThat(r.path("days_left").asLong()).isBetween(9L, 10L));
  }

  @Test
  void mountedCertificateFileIsRead() {
    TaskRun run =
        certcheck()
            .withFileSystemBind(secretVolume.toString(), "/etc/tls", BindMode.READ_ONLY)
            .withCommand("--file", "/etc/tls/tls.crt")
            .run();
    assertThat(run.exitCode()).as(run.describe()).isEqualTo(4);
    assertThat(run.events("certcheck.result"))
        .as(run.describe())
        .anySatisfy(r -> assertThat(r.path("days_left").asLong()).isBetween(9L, 10L));
  }

  @Test
  void pushesTheMetricsTheAlertsAndTheDashboardUse() {
    try (PushgatewayContainer gateway = new PushgatewayContainer(network)) {
      gateway.start();
      TaskRun run =
          certcheck()
              .withFileSystemBind(secretVolume.toString(), "/etc/tls", BindMode.READ_ONLY)
              .withEnv("CERTCHECK_TARGET", HOST + ":" + PORT)
              .withEnv("CERTCHECK_FILE", "/etc/tls/tls.crt")
              .withEnv("PUSHGATEWAY_URL", PushgatewayContainer.URL)
              .run();
      assertThat(run.exitCode()).as(run.describe()).isEqualTo(4);
      // Exit 4 (findings) is not a success: the last-success gauge is rightly absent.
      Set<String> expected = new TreeSet<>(MonitoringQueries.metricNames(TaskImage.CERTCHECK));
      expected.remove("taskrunner_last_success_timestamp_seconds");
      assertThat(gateway.metricNames())
          .as("pushed by %s; docker/kubernetes/monitoring uses them", TaskImage.CERTCHECK.image())
          .containsAll(expected)
          .doesNotContain("taskrunner_last_success_timestamp_seconds");
    }
  }

  @Test
  void unreachableEndpointIsNotHiddenAndStdoutStaysJson() {
    TaskRun run = certcheck().withCommand("--target", "no-such-host.invalid:443").run();
    // A failure code (README: 1 when every target was unreachable, 3 when one could not be
    // checked otherwise; which one a DNS failure is, certcheck's own tests decide): never 0 (ok),
    // 2 (configuration) or 4 (a finding).
    assertThat(run.exitCode()).as(run.describe()).isIn(1, 3);
    run.jsonLines();
  }
}
