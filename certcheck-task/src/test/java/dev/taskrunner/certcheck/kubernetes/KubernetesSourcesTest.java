package dev.taskrunner.certcheck.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskrunner.certcheck.chain.ChainEvaluator;
import dev.taskrunner.certcheck.chain.TrustStore;
import dev.taskrunner.certcheck.result.Status;
import dev.taskrunner.certcheck.result.TargetResult;
import dev.taskrunner.certcheck.result.Thresholds;
import dev.taskrunner.certcheck.testing.TestPki;
import dev.taskrunner.certcheck.testing.TestPki.Issued;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Secrets and cert-manager Certificates served by fabric8's Kubernetes mock server in CRUD mode.
 * This is the one fake in the task's tests: no Kubernetes API server can run on this machine. CRUD
 * mode stores what the test creates and serves it back with list, label selectors and namespaces,
 * which is what the scanners use.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesSourcesTest {
  static final Instant NOW = Instant.parse("2026-05-10T09:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  KubernetesClient client;
  Issued ca;

  @BeforeEach
  void pki() {
    ca = TestPki.root("K8s CA", NOW, 5);
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.US_ASCII));
  }

  void secret(
      String ns, String name, String type, Map<String, String> data, Map<String, String> labels) {
    client
        .secrets()
        .inNamespace(ns)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(ns)
                .withLabels(labels)
                .endMetadata()
                .withType(type)
                .withData(data)
                .build())
        .create();
  }

  Issued leaf(int days) {
    return TestPki.cert("CN=" + days + "d.test")
        .validity(NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(days)))
        .signedBy(ca);
  }

  Map<String, TargetResult> scanSecrets(KubernetesSelection selection) {
    ChainEvaluator evaluator =
        new ChainEvaluator(CLOCK, Thresholds.defaults(), TrustStore.of(false, List.of()));
    return new SecretScanner(client, evaluator, CLOCK, null)
        .scan(selection, t -> true).stream()
            .collect(Collectors.toMap(TargetResult::target, Function.identity()));
  }

  @Test
  void tlsSecretsAndCaKeysInSelectedNamespaces() {
    secret(
        "web",
        "site-tls",
        "kubernetes.io/tls",
        Map.of(
            "tls.crt",
            b64(leaf(10).pem() + ca.pem()),
            "tls.key",
            b64("k"),
            "ca.crt",
            b64(ca.pem())),
        Map.of("app", "site"));
    secret(
        "web",
        "acme-tls",
        "kubernetes.io/tls",
        Map.of("tls.crt", b64(leaf(60).pem()), "tls.key", b64("k"), "ca.crt", ""),
        Map.of("app", "site"));
    secret(
        "web",
        "broken-tls",
        "kubernetes.io/tls",
        Map.of("tls.key", b64("k")),
        Map.of("app", "site"));
    secret(
        "web", "db-password", "Opaque", Map.of("password", b64("hunter2")), Map.of("app", "site"));
    secret(
        "other", "far-tls", "kubernetes.io/tls", Map.of("tls.crt", b64(leaf(5).pem())), Map.of());

    Map<String, TargetResult> r = scanSecrets(new KubernetesSelection(List.of("web"), "", 2));

    assertThat(r.keySet())
        .containsExactlyInAnyOrder(
            "secret/web/site-tls/tls.crt",
            "secret/web/site-tls/ca.crt",
            "secret/web/acme-tls/tls.crt",
            "secret/web/broken-tls/tls.crt");
    TargetResult site = r.get("secret/web/site-tls/tls.crt");
    assertThat(site.status()).isEqualTo(Status.CRIT);
    assertThat(site.daysLeft()).isEqualTo(10);
    assertThat(site.certificates()).hasSize(2);
    assertThat(site.attributes())
        .containsEntry("secret_namespace", "web")
        .containsEntry("secret_name", "site-tls")
        .containsEntry("secret_key", "tls.crt");
    assertThat(r.get("secret/web/acme-tls/tls.crt").status()).isEqualTo(Status.OK);
    assertThat(r.get("secret/web/broken-tls/tls.crt").reason()).isEqualTo("no_certificate_found");
  }

  @Test
  void allNamespacesWithLabelSelector() {
    secret(
        "a",
        "one",
        "kubernetes.io/tls",
        Map.of("tls.crt", b64(leaf(100).pem())),
        Map.of("team", "x"));
    secret(
        "b",
        "two",
        "kubernetes.io/tls",
        Map.of("tls.crt", b64(leaf(100).pem())),
        Map.of("team", "x"));
    secret(
        "b",
        "three",
        "kubernetes.io/tls",
        Map.of("tls.crt", b64(leaf(100).pem())),
        Map.of("team", "y"));

    Map<String, TargetResult> r = scanSecrets(new KubernetesSelection(List.of(), "team=x", 50));

    assertThat(r.keySet())
        .containsExactlyInAnyOrder("secret/a/one/tls.crt", "secret/b/two/tls.crt");
  }

  void certificate(String ns, String name, Map<String, Object> status) {
    GenericKubernetesResource c =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("cert-manager.io/v1")
            .withKind("Certificate")
            .withNewMetadata()
            .withName(name)
            .withNamespace(ns)
            .endMetadata()
            .addToAdditionalProperties(
                "spec",
                Map.of("secretName", name + "-tls", "issuerRef", Map.of("name", "letsencrypt")))
            .addToAdditionalProperties("status", status)
            .build();
    client
        .genericKubernetesResources(CertManagerScanner.CERTIFICATES)
        .inNamespace(ns)
        .resource(c)
        .create();
  }

  static Map<String, Object> ready(String value) {
    return Map.of("type", "Ready", "status", value);
  }

  @Test
  @DisplayName(
      "cert-manager: no notAfter yet is PENDING, not expired (cert-manager's metric is 0"
          + " then); a past renewalTime while Ready is a warning")
  void certManagerCertificates() {
    certificate("web", "pending", Map.of("conditions", List.of(ready("False"))));
    certificate(
        "web",
        "overdue",
        Map.of(
            "notBefore", NOW.minus(Duration.ofDays(60)).toString(),
            "notAfter", NOW.plus(Duration.ofDays(30)).toString(),
            "renewalTime", NOW.minus(Duration.ofDays(1)).toString(),
            "conditions", List.of(ready("True"))));
    certificate(
        "web",
        "healthy",
        Map.of(
            "notBefore", NOW.minus(Duration.ofDays(10)).toString(),
            "notAfter", NOW.plus(Duration.ofDays(80)).toString(),
            "renewalTime", NOW.plus(Duration.ofDays(50)).toString(),
            "conditions", List.of(ready("True"))));
    certificate(
        "web",
        "expired",
        Map.of(
            "notAfter", NOW.minus(Duration.ofHours(5)).toString(),
            "conditions", List.of(ready("False"))));

    CertManagerScanner.Outcome outcome =
        new CertManagerScanner(client, CLOCK, Thresholds.defaults())
            .scan(new KubernetesSelection(List.of("web"), "", 50), t -> true);
    Map<String, TargetResult> r =
        outcome.results().stream()
            .collect(Collectors.toMap(TargetResult::target, Function.identity()));

    assertThat(outcome.crdPresent()).isTrue();
    assertThat(r.get("certificate/web/pending").status()).isEqualTo(Status.PENDING);
    assertThat(r.get("certificate/web/pending").daysLeft()).isNull();
    assertThat(r.get("certificate/web/overdue").status()).isEqualTo(Status.WARN);
    assertThat(r.get("certificate/web/overdue").reason()).isEqualTo("renewal_overdue");
    assertThat(r.get("certificate/web/healthy").status()).isEqualTo(Status.OK);
    assertThat(r.get("certificate/web/healthy").daysLeft()).isEqualTo(80);
    assertThat(r.get("certificate/web/expired").status()).isEqualTo(Status.EXPIRED);
    assertThat(r.get("certificate/web/expired").secondsLeft()).isEqualTo(-5 * 3600);
    assertThat(r.get("certificate/web/healthy").attributes())
        .containsEntry("issuer_name", "letsencrypt");
  }
}
