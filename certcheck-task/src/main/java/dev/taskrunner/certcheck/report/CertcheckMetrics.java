package dev.taskrunner.certcheck.report;

import dev.taskrunner.certcheck.result.CertificateFacts;
import dev.taskrunner.certcheck.result.Status;
import dev.taskrunner.certcheck.result.TargetResult;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The metrics of a run, named so that existing dashboards and alerts work:
 *
 * <ul>
 *   <li>Files and Secrets: x509-certificate-exporter's {@code x509_cert_not_after}, {@code
 *       x509_cert_not_before} (Unix seconds) and {@code x509_cert_expired} (0/1), one series per
 *       certificate, with its label names ({@code serial_number} in decimal, {@code subject_*},
 *       {@code issuer_*}, {@code filename}, {@code filepath}, {@code secret_namespace}, {@code
 *       secret_name}, {@code secret_key}; labels that do not apply are empty).
 *   <li>Endpoints: blackbox_exporter's {@code probe_success}, {@code
 *       probe_ssl_earliest_cert_expiry} and {@code probe_ssl_last_chain_expiry_timestamp_seconds},
 *       with a {@code target} label. {@code probe_ssl_earliest_cert_expiry} is the earliest
 *       notAfter over the certificates on the path (not over extra certificates such as an old
 *       cross-sign, which is what made blackbox report false expiries). The chain metric is only
 *       set when the chain validated: a sentinel value would fire {@code (x - time()) < N} alerts.
 *   <li>Run: {@code taskrunner_certcheck_targets{status}} for every status (zeros included) and
 *       {@code taskrunner_certcheck_earliest_expiry_timestamp_seconds}.
 * </ul>
 *
 * All timestamps are absolute: a CronJob's pushed metrics stay correct between runs.
 */
public final class CertcheckMetrics {
  static final List<String> NAME_PARTS = List.of("C", "ST", "L", "O", "OU", "CN");

  private CertcheckMetrics() {}

  public static void record(MeterRegistry registry, List<TargetResult> results) {
    for (TargetResult r : results) {
      switch (r.source()) {
        case "endpoint" -> endpoint(registry, r);
        case "file", "kubernetes_secret" -> bundle(registry, r);
        default -> {}
      }
    }
    RunSummary summary = RunSummary.of(results);
    for (Status s : Status.values()) {
      int n = summary.byStatus().get(s);
      Gauge.builder("taskrunner_certcheck_targets", () -> n)
          .description("Targets checked in the last run, by status")
          .tag("status", s.name())
          .register(registry);
    }
    summary
        .earliest()
        .ifPresent(
            r ->
                Gauge.builder(
                        "taskrunner_certcheck_earliest_expiry_timestamp_seconds",
                        () -> seconds(r.notAfter()))
                    .description("Earliest notAfter over all targets of the last run, Unix time")
                    .register(registry));
  }

  private static void endpoint(MeterRegistry registry, TargetResult r) {
    Tags tags = Tags.of("target", r.target());
    boolean success =
        r.status() == Status.OK || r.status() == Status.WARN || r.status() == Status.CRIT;
    Gauge.builder("probe_success", () -> success ? 1 : 0)
        .description("Whether the TLS handshake succeeded and the chain validated for the name")
        .tags(tags)
        .register(registry);
    List<CertificateFacts> path =
        r.certificates().stream().filter(c -> c.onPath() && !c.fromTrustStore()).toList();
    path.stream()
        .map(CertificateFacts::notAfter)
        .min(Instant::compareTo)
        .ifPresent(
            earliest ->
                Gauge.builder("probe_ssl_earliest_cert_expiry", () -> seconds(earliest))
                    .description("Earliest notAfter of the certificates on the presented path")
                    .tags(tags)
                    .register(registry));
    if (Boolean.TRUE.equals(r.trusted()) && r.notAfter() != null) {
      Gauge.builder("probe_ssl_last_chain_expiry_timestamp_seconds", () -> seconds(r.notAfter()))
          .description("Earliest notAfter on the validated chain, anchor included")
          .tags(tags)
          .register(registry);
    }
  }

  private static void bundle(MeterRegistry registry, TargetResult r) {
    Map<String, String> a = r.attributes();
    for (CertificateFacts c : r.certificates()) {
      Tags tags =
          Tags.of("serial_number", c.serialDecimal())
              .and("filename", a.getOrDefault("filename", ""))
              .and("filepath", a.getOrDefault("filepath", ""))
              .and("embedded_kind", "")
              .and("embedded_key", "")
              .and("secret_namespace", a.getOrDefault("secret_namespace", ""))
              .and("secret_name", a.getOrDefault("secret_name", ""))
              .and("secret_key", a.getOrDefault("secret_key", ""));
      for (String part : NAME_PARTS) {
        tags =
            tags.and("subject_" + part, c.subjectParts().getOrDefault(part, ""))
                .and("issuer_" + part, c.issuerParts().getOrDefault(part, ""));
      }
      double notAfter = seconds(c.notAfter());
      double notBefore = seconds(c.notBefore());
      boolean expired = c.secondsLeft() < 0;
      Gauge.builder("x509_cert_not_after", () -> notAfter)
          .description("Certificate notAfter, Unix time")
          .tags(tags)
          .register(registry);
      Gauge.builder("x509_cert_not_before", () -> notBefore)
          .description("Certificate notBefore, Unix time")
          .tags(tags)
          .register(registry);
      Gauge.builder("x509_cert_expired", () -> expired ? 1 : 0)
          .description("1 when the certificate has expired")
          .tags(tags)
          .register(registry);
    }
  }

  private static double seconds(Instant t) {
    return t.getEpochSecond();
  }
}
