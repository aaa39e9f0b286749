package dev.taskrunner.certcheck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskrunner.certcheck.testing.KubernetesObjects;
import dev.taskrunner.certcheck.testing.PlainServer;
import dev.taskrunner.certcheck.testing.TestPki;
import dev.taskrunner.certcheck.testing.TestPki.Issued;
import dev.taskrunner.common.ExitCode;
import dev.taskrunner.common.RunContext;
import dev.taskrunner.common.TaskLauncher;
import dev.taskrunner.common.retry.RetrySettings;
import dev.taskrunner.common.shutdown.ShutdownCoordinator;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The command in-process with a frozen clock: Kubernetes sources wired through the command, against
 * fabric8's mock API server in CRUD mode (the one fake: no API server can run here), and the AOT
 * training run touching no network.
 */
@EnableKubernetesMockClient(crud = true)
class CertcheckCommandTest {
  static final Instant NOW = Instant.parse("2026-08-01T00:00:00Z");

  KubernetesClient client;

  static RunContext context(SimpleMeterRegistry meters) {
    return new RunContext(
        "certcheck",
        "test-run",
        Clock.fixed(NOW, ZoneOffset.UTC),
        meters,
        new ShutdownCoordinator(),
        Duration.ofMinutes(10),
        new RetrySettings(1, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofSeconds(1)));
  }

  static CertcheckCommand parse(String... args) {
    CertcheckCommand command = new CertcheckCommand();
    TaskLauncher.commandLine(new TaskLauncher.Task("certcheck", "CERTCHECK_"), command, Map.of())
        .parseArgs(args);
    return command;
  }

  @Test
  void kubernetesSecretsAndCertificatesThroughTheCommand() throws Exception {
    Issued ca = TestPki.root("Cmd CA", NOW, 5);
    Issued leaf =
        TestPki.cert("CN=site.test")
            .validity(NOW.minus(Duration.ofDays(80)), NOW.plus(Duration.ofDays(10)))
            .signedBy(ca);
    KubernetesObjects.tlsSecret(client, "web", "site-tls", leaf.pem());
    client
        .genericKubernetesResources(
            new ResourceDefinitionContext.Builder()
                .withGroup("cert-manager.io")
                .withVersion("v1")
                .withKind("Certificate")
                .withPlural("certificates")
                .withNamespaced(true)
                .build())
        .inNamespace("web")
        .resource(
            new GenericKubernetesResourceBuilder()
                .withApiVersion("cert-manager.io/v1")
                .withKind("Certificate")
                .withNewMetadata()
                .withName("new-site")
                .withNamespace("web")
                .endMetadata()
                .addToAdditionalProperties(
                    "status",
                    Map.of("conditions", List.of(Map.of("type", "Ready", "status", "False"))))
                .build())
        .create();

    CertcheckCommand command = parse("--kubernetes", "--namespace=web");
    command.kubernetesClients = () -> client;
    SimpleMeterRegistry meters = new SimpleMeterRegistry();

    ExitCode exit = command.run(context(meters));

    assertThat(exit).isEqualTo(ExitCode.FINDINGS);
    assertThat(
            meters
                .get("x509_cert_not_after")
                .tag("secret_namespace", "web")
                .tag("secret_name", "site-tls")
                .tag("secret_key", "tls.crt")
                .tag("subject_CN", "site.test")
                .gauge()
                .value())
        .isEqualTo(NOW.plus(Duration.ofDays(10)).getEpochSecond());
    assertThat(meters.get("taskrunner_certcheck_targets").tag("status", "CRIT").gauge().value())
        .isEqualTo(1);
    assertThat(meters.get("taskrunner_certcheck_targets").tag("status", "PENDING").gauge().value())
        .isEqualTo(1);
    assertThat(meters.get("taskrunner_certcheck_targets").tag("status", "EXPIRED").gauge().value())
        .isZero();
  }

  @Test
  void percentageThresholdsForShortLivedCertificates() throws Exception {
    // A 6-day certificate with 3 days left is 50 % through its life: WARN at 60 %, OK at 40 %.
    Issued ca = TestPki.root("Pct CA", NOW, 5);
    Issued shortLived =
        TestPki.cert("CN=short")
            .validity(NOW.minus(Duration.ofDays(3)), NOW.plus(Duration.ofDays(3)))
            .signedBy(ca);
    java.nio.file.Path file = java.nio.file.Files.createTempFile("short", ".pem");
    try {
      java.nio.file.Files.writeString(file, shortLived.pem());
      ExitCode warn =
          parse("--file=" + file, "--warn=60%", "--crit=10%")
              .run(context(new SimpleMeterRegistry()));
      ExitCode ok =
          parse("--file=" + file, "--warn=40%", "--crit=10%")
              .run(context(new SimpleMeterRegistry()));
      ExitCode fixed = parse("--file=" + file).run(context(new SimpleMeterRegistry()));

      assertThat(warn).isEqualTo(ExitCode.FINDINGS);
      assertThat(ok).isEqualTo(ExitCode.SUCCESS);
      assertThat(fixed).isEqualTo(ExitCode.FINDINGS); // 3 days < the default 14 d: CRIT
    } finally {
      java.nio.file.Files.deleteIfExists(file);
    }
  }

  @Test
  void trainingRunParsesAndBuildsButConnectsNowhere() throws Exception {
    AtomicInteger connections = new AtomicInteger();
    try (PlainServer server = PlainServer.start(s -> connections.incrementAndGet())) {
      CertcheckCommand command = parse("--target=" + server.address(), "--kubernetes");
      command.kubernetesClients = () -> client;

      command.train(context(new SimpleMeterRegistry()));

      // Connections are accepted in order: once our own probe connection is counted, any
      // connection the training run had made would have been counted before it.
      try (java.net.Socket own = new java.net.Socket("127.0.0.1", server.port())) {
        assertThat(own.isConnected()).isTrue();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (connections.get() == 0 && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
      }
      assertThat(connections).hasValue(1);
    }
  }
}
