package dev.taskrunner.certcheck.result;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one certificate says about itself, plus its place in the target's chain.
 *
 * @param index position in the order the server sent or the file held (0 = first)
 * @param role {@code leaf}, {@code intermediate}, {@code root} (self-signed) or {@code extra} (sent
 *     but not on the validated path: an old cross-sign, never raises the severity)
 * @param onPath whether the certificate is on the path from the leaf to the trust anchor; for files
 *     and Secrets every certificate counts
 * @param fromTrustStore whether the certificate came from the trust store, not from the target
 * @param subject RFC 2253 subject
 * @param subjectParts subject attributes C, ST, L, O, OU, CN (metric labels)
 * @param issuer RFC 2253 issuer
 * @param issuerParts issuer attributes C, ST, L, O, OU, CN
 * @param serialDecimal serial number in decimal (as x509-certificate-exporter labels it)
 * @param sans subject alternative names, as {@code DNS:name} / {@code IP:addr}
 * @param notBefore start of validity
 * @param notAfter end of validity
 * @param secondsLeft seconds from the run's clock to {@code notAfter}; negative when expired
 * @param daysLeft {@code floor(secondsLeft / 86400)}: -1 for a certificate that expired an hour
 *     ago, 0 for one that expires in an hour
 * @param signatureAlgorithm e.g. {@code SHA256withRSA}
 * @param keyAlgorithm {@code RSA}, {@code EC}...
 * @param keyBits key size in bits (0 when unknown)
 * @param weaknesses {@code weak_signature}, {@code weak_key}; empty when none
 * @param sha256 SHA-256 fingerprint, lower-case hex
 */
public record CertificateFacts(
    int index,
    String role,
    boolean onPath,
    boolean fromTrustStore,
    String subject,
    Map<String, String> subjectParts,
    String issuer,
    Map<String, String> issuerParts,
    String serialDecimal,
    List<String> sans,
    Instant notBefore,
    Instant notAfter,
    long secondsLeft,
    long daysLeft,
    String signatureAlgorithm,
    String keyAlgorithm,
    int keyBits,
    List<String> weaknesses,
    String sha256) {

  /** The same facts with another role and path membership. */
  public CertificateFacts placed(int newIndex, String newRole, boolean newOnPath, boolean anchor) {
    return new CertificateFacts(
        newIndex,
        newRole,
        newOnPath,
        anchor,
        subject,
        subjectParts,
        issuer,
        issuerParts,
        serialDecimal,
        sans,
        notBefore,
        notAfter,
        secondsLeft,
        daysLeft,
        signatureAlgorithm,
        keyAlgorithm,
        keyBits,
        weaknesses,
        sha256);
  }

  /** CN of the subject, or the whole subject when it has no CN. */
  public String commonName() {
    String cn = subjectParts.getOrDefault("CN", "");
    return cn.isEmpty() ? subject : cn;
  }
}
