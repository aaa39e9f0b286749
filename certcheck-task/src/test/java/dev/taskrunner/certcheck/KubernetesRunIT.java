package dev.taskrunner.certcheck;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskrunner.certcheck.testing.KubernetesObjects;
import dev.taskrunner.certcheck.testing.TestPki;
import dev.taskrunner.certcheck.testing.TestPki.Issued;
import dev.taskrunner.common.testing.TaskProcess;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The task jar with a KUBECONFIG pointing at fabric8's Kubernetes mock server in CRUD mode: this
 * exercises the jar's own runtime client stack (the JDK HTTP client binding, no vert.x). The mock
 * server is the one fake in these tests: no Kubernetes API server can run on this machine.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesRunIT {
  static KubernetesMockServer server;
  static KubernetesClient client;
  @TempDir Path dir;

  @Test
  void secretsAndCertificatesOfANamespace() throws Exception {
    Instant now = Instant.now();
    Issued ca = TestPki.root("Run CA", now, 5);
    Issued expired =
        TestPki.cert("CN=old.test")
            .validity(now.minus(Duration.ofDays(90)), now.minus(Duration.ofHours(6)))
            .signedBy(ca);
    KubernetesObjects.tlsSecret(client, "web", "old-tls", expired.pem() + ca.pem());
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
                .withName("site")
                .withNamespace("web")
                .endMetadata()
                .addToAdditionalProperties(
                    "status",
                    Map.of(
                        "notBefore", now.minus(Duration.ofDays(60)).toString(),
                        "notAfter", now.plus(Duration.ofDays(30)).toString(),
                        "renewalTime", now.minus(Duration.ofHours(1)).toString(),
                        "conditions", List.of(Map.of("type", "Ready", "status", "True"))))
                .build())
        .create();
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster:
            server: %s
        contexts:
        - name: mock
          context: {cluster: mock, user: mock}
        current-context: mock
        users:
        - name: mock
          user: {token: mock-token-5f2a}
        """
            .formatted(server.url("/").replaceAll("/$", "")));

    TaskProcess p =
        TaskProcess.run(
            TaskProcess.taskJar(),
            Map.of("KUBECONFIG", kubeconfig.toString(), "CERTCHECK_NAMESPACE", "web"),
            Duration.ofMinutes(2),
            "--kubernetes");

    assertThat(p.exitCode()).as(p.stdout() + p.stderr()).isEqualTo(4);
    Map<String, JsonNode> results =
        p.events("certcheck.result").stream()
            .collect(Collectors.toMap(n -> n.get("target").asText(), Function.identity()));
    JsonNode secret = results.get("secret/web/old-tls/tls.crt");
    assertThat(secret.get("status").asText()).isEqualTo("EXPIRED");
    assertThat(secret.get("days_left").asLong()).isEqualTo(-1);
    assertThat(secret.get("secret_name").asText()).isEqualTo("old-tls");
    JsonNode certificate = results.get("certificate/web/site");
    assertThat(certificate.get("status").asText()).isEqualTo("WARN");
    assertThat(certificate.get("reason").asText()).isEqualTo("renewal_overdue");
    assertThat(p.stdout() + p.stderr()).doesNotContain("mock-token-5f2a");
  }
}
