package dev.taskrunner.certcheck.kubernetes;

import dev.taskrunner.certcheck.chain.ChainEvaluator;
import dev.taskrunner.certcheck.decode.CertificateDecoder;
import dev.taskrunner.certcheck.decode.DecodeFailure;
import dev.taskrunner.certcheck.decode.DecodedBundle;
import dev.taskrunner.certcheck.result.Status;
import dev.taskrunner.certcheck.result.TargetId;
import dev.taskrunner.certcheck.result.TargetResult;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Reads certificates from Secrets: every Secret of type {@code kubernetes.io/tls} and every Secret
 * holding a {@code tls.crt} or {@code ca.crt} key; with a keystore password also cert-manager's
 * {@code keystore.p12}/{@code keystore.jks}/{@code truststore.*} keys. One result per key, named
 * {@code secret/<namespace>/<name>/<key>}. Listing is paged.
 */
public final class SecretScanner {
  static final List<String> PEM_KEYS = List.of("tls.crt", "ca.crt");
  static final List<String> KEYSTORE_KEYS =
      List.of("keystore.p12", "keystore.jks", "truststore.p12", "truststore.jks");

  private final KubernetesClient client;
  private final ChainEvaluator evaluator;
  private final Clock clock;
  private final char[] password;

  public SecretScanner(
      KubernetesClient client, ChainEvaluator evaluator, Clock clock, char[] password) {
    this.client = client;
    this.evaluator = evaluator;
    this.clock = clock;
    this.password = password;
  }

  /**
   * Lists and checks Secrets.
   *
   * @param selects whether this shard checks a target name
   */
  public List<TargetResult> scan(KubernetesSelection selection, Predicate<String> selects) {
    List<TargetResult> out = new ArrayList<>();
    List<String> scopes = selection.allNamespaces() ? List.of("") : selection.namespaces();
    for (String namespace : scopes) {
      try {
        String next = null;
        do {
          SecretList page = listPage(namespace, selection, next);
          for (Secret secret : page.getItems()) {
            out.addAll(check(secret, selects));
          }
          next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
        } while (next != null && !next.isEmpty());
      } catch (KubernetesClientException e) {
        out.add(listFailure(namespace, e));
      }
    }
    return out;
  }

  private SecretList listPage(String namespace, KubernetesSelection selection, String next) {
    var options = new ListOptionsBuilder().withLimit((long) selection.pageSize());
    if (next != null) {
      options.withContinue(next);
    }
    if (!selection.labelSelector().isEmpty()) {
      options.withLabelSelector(selection.labelSelector());
    }
    FilterWatchListDeletable<Secret, SecretList, Resource<Secret>> secrets =
        namespace.isEmpty()
            ? client.secrets().inAnyNamespace()
            : client.secrets().inNamespace(namespace);
    return secrets.list(options.build());
  }

  List<TargetResult> check(Secret secret, Predicate<String> selects) {
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    boolean tlsType = "kubernetes.io/tls".equals(secret.getType());
    List<TargetResult> out = new ArrayList<>();
    String ns = secret.getMetadata().getNamespace();
    String name = secret.getMetadata().getName();
    for (String key : PEM_KEYS) {
      boolean present = data.containsKey(key);
      if (!present && !(tlsType && key.equals("tls.crt"))) {
        continue;
      }
      String value = data.getOrDefault(key, "");
      // ACME issuers leave ca.crt empty: that is normal, not a broken Secret.
      if (key.equals("ca.crt") && value.isEmpty()) {
        continue;
      }
      addKey(out, ns, name, key, value, selects);
    }
    if (password != null) {
      for (String key : KEYSTORE_KEYS) {
        if (data.containsKey(key)) {
          addKey(out, ns, name, key, data.get(key), selects);
        }
      }
    }
    return out;
  }

  private void addKey(
      List<TargetResult> out,
      String ns,
      String name,
      String key,
      String base64,
      Predicate<String> selects) {
    String target = "secret/" + ns + "/" + name + "/" + key;
    if (!selects.test(target)) {
      return;
    }
    long started = System.nanoTime();
    Map<String, String> attrs = new LinkedHashMap<>();
    attrs.put("secret_namespace", ns);
    attrs.put("secret_name", name);
    attrs.put("secret_key", key);
    TargetId id = new TargetId(target, "kubernetes_secret", "");
    try {
      byte[] content = Base64.getMimeDecoder().decode(base64 == null ? "" : base64);
      DecodedBundle bundle = CertificateDecoder.decode(content, password);
      attrs.put("format", bundle.kind());
      out.add(evaluator.evaluateBundle(id, bundle.certificates(), attrs, millis(started)));
    } catch (IllegalArgumentException e) {
      attrs.put("detail", "Secret value is not valid Base64");
      out.add(
          TargetResult.failure(
              id, Status.ERROR, "decode_failed", "", "", attrs, millis(started), clock.instant()));
    } catch (DecodeFailure e) {
      attrs.put("detail", e.getMessage());
      out.add(
          TargetResult.failure(
              id, Status.ERROR, e.reason(), "", "", attrs, millis(started), clock.instant()));
    }
  }

  private TargetResult listFailure(String namespace, KubernetesClientException e) {
    String scope = namespace.isEmpty() ? "*" : namespace;
    Map<String, String> attrs = new LinkedHashMap<>();
    attrs.put("secret_namespace", namespace);
    attrs.put("detail", KubernetesErrors.describe(e));
    return TargetResult.failure(
        new TargetId("secrets/" + scope, "kubernetes_secret", ""),
        Status.ERROR,
        KubernetesErrors.reason(e),
        "",
        "",
        attrs,
        0,
        clock.instant());
  }

  private static long millis(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }
}
