package dev.taskrunner.certcheck.testing;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** Objects the certcheck tests put into fabric8's mock API server. */
public final class KubernetesObjects {
  private KubernetesObjects() {}

  /** A {@code kubernetes.io/tls} Secret whose {@code tls.crt} holds {@code pem}. */
  public static void tlsSecret(KubernetesClient client, String namespace, String name, String pem) {
    client
        .secrets()
        .inNamespace(namespace)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withType("kubernetes.io/tls")
                .withData(
                    Map.of(
                        "tls.crt",
                        Base64.getEncoder()
                            .encodeToString(pem.getBytes(StandardCharsets.US_ASCII))))
                .build())
        .create();
  }
}
