package dev.taskrunner.certcheck.report;

import dev.taskrunner.certcheck.result.CertificateFacts;
import dev.taskrunner.certcheck.result.TargetResult;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON field names of results and certificates, shared by the log events and the report file so
 * both say the same thing the same way. Timestamps are ISO-8601 in UTC ({@code Z}); {@code
 * seconds_left} lets a consumer re-derive {@code days_left} ({@code floor(seconds_left / 86400)}).
 */
public final class ResultFields {
  private ResultFields() {}

  /** The fields of a {@code certcheck.result} event (without the certificates). */
  public static Map<String, Object> of(TargetResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("target", r.target());
    m.put("source", r.source());
    m.put("label", r.label());
    m.put("status", r.status().name());
    m.put("severity", r.status().kind().name());
    m.put("reason", r.reason());
    if (!r.phase().isEmpty()) {
      m.put("phase", r.phase());
    }
    if (!r.sni().isEmpty()) {
      m.put("sni", r.sni());
    }
    m.put("not_after", r.notAfter() == null ? null : r.notAfter().toString());
    m.put("seconds_left", r.secondsLeft());
    m.put("days_left", r.daysLeft());
    m.put("limiting_subject", r.limitingSubject());
    if (r.trusted() != null) {
      m.put("trusted", r.trusted());
    }
    if (r.hostnameMatch() != null) {
      m.put("hostname_match", r.hostnameMatch());
    }
    m.put("weaknesses", r.weaknesses());
    m.put("certificate_count", r.certificates().size());
    m.put("duration_ms", r.durationMillis());
    m.put("checked_at", r.checkedAt().toString());
    r.attributes().forEach((k, v) -> m.putIfAbsent(k, v));
    return m;
  }

  /** The fields of a {@code certcheck.certificate} event. */
  public static Map<String, Object> of(TargetResult r, CertificateFacts c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("target", r.target());
    m.put("source", r.source());
    m.put("label", r.label());
    m.putAll(certificate(c));
    return m;
  }

  static Map<String, Object> certificate(CertificateFacts c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("chain_position", c.index());
    m.put("role", c.role());
    m.put("on_path", c.onPath());
    m.put("from_trust_store", c.fromTrustStore());
    m.put("subject", c.subject());
    m.put("issuer", c.issuer());
    m.put("serial", c.serialDecimal());
    m.put("sans", c.sans());
    m.put("not_before", c.notBefore().toString());
    m.put("not_after", c.notAfter().toString());
    m.put("seconds_left", c.secondsLeft());
    m.put("days_left", c.daysLeft());
    m.put("lifetime_days", Duration.between(c.notBefore(), c.notAfter()).toDays());
    m.put("signature_algorithm", c.signatureAlgorithm());
    m.put("key_algorithm", c.keyAlgorithm());
    m.put("key_bits", c.keyBits());
    m.put("weaknesses", c.weaknesses());
    m.put("sha256", c.sha256());
    return m;
  }

  /** A result with its certificates, as one element of the report's {@code results}. */
  public static Map<String, Object> withCertificates(TargetResult r) {
    Map<String, Object> m = of(r);
    List<Map<String, Object>> certs =
        r.certificates().stream().map(ResultFields::certificate).toList();
    m.put("certificates", certs);
    return m;
  }
}
