package dev.taskrunner.certcheck.chain;

import dev.taskrunner.certcheck.result.CertificateFacts;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.DSAPublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/** Turns an {@link X509Certificate} into {@link CertificateFacts} at the run's clock. */
public final class CertificateDescriber {
  /** Subject/issuer attributes that x509-certificate-exporter turns into labels. */
  public static final List<String> NAME_PARTS = List.of("C", "ST", "L", "O", "OU", "CN");

  private static final long SECONDS_PER_DAY = 86_400;

  private final Clock clock;

  public CertificateDescriber(Clock clock) {
    this.clock = clock;
  }

  /** Describes {@code cert} as element {@code index} with the given role. */
  public CertificateFacts describe(X509Certificate cert, int index, String role, boolean onPath) {
    Instant now = clock.instant();
    Instant notAfter = cert.getNotAfter().toInstant();
    long secondsLeft = Duration.between(now, notAfter).toSeconds();
    return new CertificateFacts(
        index,
        role,
        onPath,
        false,
        cert.getSubjectX500Principal().getName(X500Principal.RFC2253),
        nameParts(cert.getSubjectX500Principal()),
        cert.getIssuerX500Principal().getName(X500Principal.RFC2253),
        nameParts(cert.getIssuerX500Principal()),
        cert.getSerialNumber().toString(),
        sans(cert),
        cert.getNotBefore().toInstant(),
        notAfter,
        secondsLeft,
        daysLeft(secondsLeft),
        cert.getSigAlgName(),
        cert.getPublicKey().getAlgorithm(),
        keyBits(cert.getPublicKey()),
        weaknesses(cert),
        sha256(cert));
  }

  /**
   * Whole days left, rounded down (towards minus infinity): a certificate that expired an hour ago
   * has -1 days left, one that expires in an hour has 0. Users read "0 days" as "today".
   */
  public static long daysLeft(long secondsLeft) {
    return Math.floorDiv(secondsLeft, SECONDS_PER_DAY);
  }

  /** Signature and key weaknesses; a self-signed certificate's own signature is never used. */
  static List<String> weaknesses(X509Certificate cert) {
    List<String> out = new ArrayList<>();
    String sig = cert.getSigAlgName().toUpperCase(Locale.ROOT);
    boolean selfSigned = cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal());
    if (!selfSigned && (sig.contains("SHA1") || sig.contains("MD5") || sig.contains("MD2"))) {
      out.add("weak_signature");
    }
    PublicKey key = cert.getPublicKey();
    int bits = keyBits(key);
    boolean weakKey =
        switch (key.getAlgorithm()) {
          case "RSA", "DSA" -> bits > 0 && bits < 2048;
          case "EC" -> bits > 0 && bits < 256;
          default -> false;
        };
    if (weakKey) {
      out.add("weak_key");
    }
    return List.copyOf(out);
  }

  static int keyBits(PublicKey key) {
    if (key instanceof RSAPublicKey rsa) {
      return rsa.getModulus().bitLength();
    }
    if (key instanceof ECPublicKey ec) {
      return ec.getParams().getOrder().bitLength();
    }
    if (key instanceof DSAPublicKey dsa) {
      return dsa.getParams().getP().bitLength();
    }
    return 0;
  }

  static Map<String, String> nameParts(X500Principal principal) {
    Map<String, String> parts = new LinkedHashMap<>();
    NAME_PARTS.forEach(p -> parts.put(p, ""));
    try {
      for (Rdn rdn : new LdapName(principal.getName(X500Principal.RFC2253)).getRdns()) {
        String type = rdn.getType().toUpperCase(Locale.ROOT);
        if (parts.containsKey(type) && parts.get(type).isEmpty()) {
          parts.put(type, String.valueOf(rdn.getValue()));
        }
      }
    } catch (InvalidNameException e) {
      // An unparsable name leaves the parts empty; the full subject string is still reported.
    }
    return parts;
  }

  static List<String> sans(X509Certificate cert) {
    List<String> out = new ArrayList<>();
    try {
      Collection<List<?>> names = cert.getSubjectAlternativeNames();
      if (names != null) {
        for (List<?> name : names) {
          int type = (Integer) name.get(0);
          if (type == 2) {
            out.add("DNS:" + name.get(1));
          } else if (type == 7) {
            out.add("IP:" + name.get(1));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // A broken SAN extension means no names; hostname checks then fail, which is the truth.
    }
    return List.copyOf(out);
  }

  static String sha256(X509Certificate cert) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      return "";
    }
  }
}
