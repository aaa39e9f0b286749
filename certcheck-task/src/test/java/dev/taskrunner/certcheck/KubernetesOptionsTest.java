package dev.taskrunner.certcheck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskrunner.certcheck.testing.KubernetesObjects;
import dev.taskrunner.certcheck.testing.TestPki;
import dev.taskrunner.certcheck.testing.TestPki.Issued;
import dev.taskrunner.common.ExitCode;
import dev.taskrunner.common.TaskLauncher;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Kubernetes options as users write them, against fabric8's mock API server in CRUD mode (the one
 * fake: no API server can run here).
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesOptionsTest {
  KubernetesClient client;

  @Test
  void namespacesWrittenWithSpacesAfterTheCommasAreRead() throws Exception {
    Instant now = CertcheckCommandTest.NOW;
    Issued ca = TestPki.root("Namespaces CA", now, 5);
    Issued leaf =
        TestPki.cert("CN=pay.test")
            .validity(now.minus(Duration.ofDays(10)), now.plus(Duration.ofDays(300)))
            .signedBy(ca);
    KubernetesObjects.tlsSecret(client, "payments", "pay-tls", leaf.pem());
    CertcheckCommand command = new CertcheckCommand();
    TaskLauncher.commandLine(
            new TaskLauncher.Task("certcheck", "CERTCHECK_"),
            command,
            Map.of("CERTCHECK_NAMESPACE", "web, payments"))
        .parseArgs("--kubernetes", "--cert-manager=off");
    command.kubernetesClients = () -> client;
    SimpleMeterRegistry meters = new SimpleMeterRegistry();

    ExitCode exit = command.run(CertcheckCommandTest.context(meters));

    assertThat(exit).isEqualTo(ExitCode.SUCCESS);
    assertThat(
            meters
                .get("x509_cert_not_after")
                .tag("secret_namespace", "payments")
                .tag("secret_name", "pay-tls")
                .gauge()
                .value())
        .isEqualTo(now.plus(Duration.ofDays(300)).getEpochSecond());
  }
}
