package dev.taskrunner.certcheck.kubernetes;

import dev.taskrunner.certcheck.chain.CertificateDescriber;
import dev.taskrunner.certcheck.result.Status;
import dev.taskrunner.certcheck.result.TargetId;
import dev.taskrunner.certcheck.result.TargetResult;
import dev.taskrunner.certcheck.result.Thresholds;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Reads cert-manager {@code Certificate} resources and judges their status: {@code
 * status.notAfter}, {@code status.notBefore}, {@code status.renewalTime} and the {@code Ready}
 * condition. A Certificate without {@code notAfter} has not been issued yet: {@code PENDING}, not
 * expired (cert-manager's own expiry metric is 0 then, which naive alerts read as 1970). A {@code
 * renewalTime} in the past while Ready means cert-manager should have renewed and did not: {@code
 * WARN} with reason {@code renewal_overdue}.
 */
public final class CertManagerScanner {
  /** Explicit, so no API discovery request is needed (and no discovery permission). */
  static final ResourceDefinitionContext CERTIFICATES =
      new ResourceDefinitionContext.Builder()
          .withGroup("cert-manager.io")
          .withVersion("v1")
          .withKind("Certificate")
          .withPlural("certificates")
          .withNamespaced(true)
          .build();

  /**
   * @param results one per Certificate, plus one ERROR per namespace that could not be listed
   * @param crdPresent false when the API server does not serve {@code certificates.cert-manager.io}
   */
  public record Outcome(List<TargetResult> results, boolean crdPresent) {}

  private final KubernetesClient client;
  private final Clock clock;
  private final Thresholds thresholds;

  public CertManagerScanner(KubernetesClient client, Clock clock, Thresholds thresholds) {
    this.client = client;
    this.clock = clock;
    this.thresholds = thresholds;
  }

  public Outcome scan(KubernetesSelection selection, Predicate<String> selects) {
    List<TargetResult> out = new ArrayList<>();
    List<String> scopes = selection.allNamespaces() ? List.of("") : selection.namespaces();
    for (String namespace : scopes) {
      try {
        String next = null;
        do {
          var options = new ListOptionsBuilder().withLimit((long) selection.pageSize());
          if (next != null) {
            options.withContinue(next);
          }
          if (!selection.labelSelector().isEmpty()) {
            options.withLabelSelector(selection.labelSelector());
          }
          var resources = client.genericKubernetesResources(CERTIFICATES);
          GenericKubernetesResourceList page =
              namespace.isEmpty()
                  ? resources.inAnyNamespace().list(options.build())
                  : resources.inNamespace(namespace).list(options.build());
          for (GenericKubernetesResource certificate : page.getItems()) {
            String target =
                "certificate/"
                    + certificate.getMetadata().getNamespace()
                    + "/"
                    + certificate.getMetadata().getName();
            if (selects.test(target)) {
              out.add(judge(certificate, target));
            }
          }
          next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
        } while (next != null && !next.isEmpty());
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          return new Outcome(out, false);
        }
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("namespace", namespace);
        attrs.put("detail", KubernetesErrors.describe(e));
        out.add(
            TargetResult.failure(
                new TargetId(
                    "certificates/" + (namespace.isEmpty() ? "*" : namespace), "cert_manager", ""),
                Status.ERROR,
                KubernetesErrors.reason(e),
                "",
                "",
                attrs,
                0,
                clock.instant()));
      }
    }
    return new Outcome(out, true);
  }

  TargetResult judge(GenericKubernetesResource certificate, String target) {
    Instant now = clock.instant();
    Map<String, Object> status = map(certificate.getAdditionalProperties().get("status"));
    Map<String, Object> spec = map(certificate.getAdditionalProperties().get("spec"));
    String ready = readyCondition(status);
    Map<String, String> attrs = new LinkedHashMap<>();
    attrs.put("namespace", certificate.getMetadata().getNamespace());
    attrs.put("name", certificate.getMetadata().getName());
    attrs.put("ready", ready);
    attrs.put("secret_name", String.valueOf(spec.getOrDefault("secretName", "")));
    attrs.put("issuer_name", String.valueOf(map(spec.get("issuerRef")).getOrDefault("name", "")));
    TargetId id = new TargetId(target, "cert_manager", "");
    Instant notAfter;
    Instant notBefore;
    Instant renewal;
    try {
      notAfter = instant(status.get("notAfter"));
      notBefore = instant(status.get("notBefore"));
      renewal = instant(status.get("renewalTime"));
    } catch (DateTimeParseException e) {
      attrs.put("detail", "status timestamp is not RFC 3339: " + e.getParsedString());
      return TargetResult.failure(id, Status.ERROR, "bad_status", "", "", attrs, 0, now);
    }
    if (renewal != null) {
      attrs.put("renewal_time", renewal.toString());
    }
    if (notAfter == null) {
      return TargetResult.failure(
          id,
          Status.PENDING,
          "True".equals(ready) ? "not_issued" : "not_ready",
          "",
          "",
          attrs,
          0,
          now);
    }
    long secondsLeft = Duration.between(now, notAfter).toSeconds();
    Status result;
    String reason = "";
    if (notBefore != null && notBefore.isAfter(now)) {
      result = Status.NOT_YET_VALID;
      reason = "not_yet_valid";
    } else if (secondsLeft < 0) {
      result = Status.EXPIRED;
      reason = "expired";
    } else {
      // Without notBefore the lifetime is unknown; a percentage threshold then never fires.
      result =
          thresholds.classify(notBefore == null ? Instant.EPOCH : notBefore, notAfter, secondsLeft);
      reason = result == Status.OK ? "" : "expires_soon";
      if (result == Status.OK && renewal != null && renewal.isBefore(now) && "True".equals(ready)) {
        result = Status.WARN;
        reason = "renewal_overdue";
      } else if (result == Status.OK && !"True".equals(ready)) {
        result = Status.WARN;
        reason = "not_ready";
      }
    }
    return new TargetResult(
        target,
        "cert_manager",
        "",
        result,
        reason,
        "",
        "",
        notAfter,
        secondsLeft,
        CertificateDescriber.daysLeft(secondsLeft),
        "",
        null,
        null,
        List.of(),
        List.of(),
        attrs,
        0,
        now);
  }

  private static String readyCondition(Map<String, Object> status) {
    if (status.get("conditions") instanceof List<?> conditions) {
      for (Object c : conditions) {
        Map<String, Object> condition = map(c);
        if ("Ready".equals(condition.get("type"))) {
          return String.valueOf(condition.getOrDefault("status", "Unknown"));
        }
      }
    }
    return "Unknown";
  }

  private static Instant instant(Object value) {
    if (value == null || String.valueOf(value).isEmpty()) {
      return null;
    }
    return Instant.parse(String.valueOf(value));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }
}
