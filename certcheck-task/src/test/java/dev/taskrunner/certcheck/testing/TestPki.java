package dev.taskrunner.certcheck.testing;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made in the test with BouncyCastle: roots, intermediates, leaves, with any validity
 * relative to a frozen instant, EC P-256 keys by default (fast), RSA when asked.
 */
public final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(1000);

  private TestPki() {}

  /** A certificate and its key pair. */
  public record Issued(X509Certificate cert, KeyPair keys) {
    public String pem() {
      return TestPki.pem(cert);
    }
  }

  public static KeyPair ec() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static KeyPair rsa(int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(bits);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Builder cert(String dn) {
    return new Builder(dn);
  }

  /** A self-signed CA valid from {@code now - 1 year} for {@code years} years. */
  public static Issued root(String cn, Instant now, int years) {
    return cert("CN=" + cn + ",O=Test")
        .ca()
        .validity(now.minus(Duration.ofDays(365)), now.plus(Duration.ofDays(365L * years)))
        .selfSigned();
  }

  public static String pem(X509Certificate cert) {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(cert.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String pem(KeyPair keys) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(keys.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  /** Builds one certificate. */
  public static final class Builder {
    private final String dn;
    private Instant notBefore;
    private Instant notAfter;
    private boolean ca;
    private final List<GeneralName> sans = new ArrayList<>();
    private KeyPair keys;
    private String signatureAlgorithm;

    private Builder(String dn) {
      this.dn = dn;
    }

    public Builder validity(Instant from, Instant to) {
      this.notBefore = from;
      this.notAfter = to;
      return this;
    }

    public Builder ca() {
      this.ca = true;
      return this;
    }

    public Builder dns(String... names) {
      for (String n : names) {
        sans.add(new GeneralName(GeneralName.dNSName, n));
      }
      return this;
    }

    public Builder ip(String... addresses) {
      for (String a : addresses) {
        sans.add(new GeneralName(GeneralName.iPAddress, a));
      }
      return this;
    }

    public Builder keys(KeyPair k) {
      this.keys = k;
      return this;
    }

    public Builder signatureAlgorithm(String alg) {
      this.signatureAlgorithm = alg;
      return this;
    }

    public Issued selfSigned() {
      KeyPair k = keys != null ? keys : ec();
      return build(new X500Name(dn), k, k);
    }

    public Issued signedBy(Issued issuer) {
      KeyPair k = keys != null ? keys : ec();
      return build(
          X500Name.getInstance(issuer.cert().getSubjectX500Principal().getEncoded()),
          k,
          issuer.keys());
    }

    private Issued build(X500Name issuerName, KeyPair subjectKeys, KeyPair signerKeys) {
      try {
        X509v3CertificateBuilder b =
            new JcaX509v3CertificateBuilder(
                issuerName,
                BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(notBefore),
                Date.from(notAfter),
                new X500Name(dn),
                subjectKeys.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        b.addExtension(
            Extension.subjectKeyIdentifier,
            false,
            ext.createSubjectKeyIdentifier(subjectKeys.getPublic()));
        b.addExtension(
            Extension.authorityKeyIdentifier,
            false,
            ext.createAuthorityKeyIdentifier(signerKeys.getPublic()));
        if (ca) {
          b.addExtension(
              Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
          b.addExtension(
              Extension.keyUsage,
              true,
              new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        }
        if (!sans.isEmpty()) {
          b.addExtension(
              Extension.subjectAlternativeName,
              false,
              new GeneralNames(sans.toArray(GeneralName[]::new)));
        }
        String alg =
            signatureAlgorithm != null
                ? signatureAlgorithm
                : signerKeys.getPrivate().getAlgorithm().equals("EC")
                    ? "SHA256withECDSA"
                    : "SHA256withRSA";
        X509Certificate cert =
            new JcaX509CertificateConverter()
                .getCertificate(
                    b.build(new JcaContentSignerBuilder(alg).build(signerKeys.getPrivate())));
        return new Issued(cert, subjectKeys);
      } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
