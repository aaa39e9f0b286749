package dev.taskrunner.backup.testing;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A root CA made in the test, and server certificates it signs (EC P-256, valid for a day). */
public final class TestCa {
  private final KeyPair keys;
  private final X509Certificate cert;

  private TestCa(KeyPair keys, X509Certificate cert) {
    this.keys = keys;
    this.cert = cert;
  }

  /** A server certificate and its private key, both PEM. */
  public record ServerCert(String certificatePem, String privateKeyPem) {}

  public static TestCa create(String commonName) {
    KeyPair keys = ecKeys();
    X500Name name = new X500Name("CN=" + commonName);
    return new TestCa(keys, sign(name, name, keys, keys, true, null));
  }

  /** The root certificate, PEM: what {@code --pg-sslrootcert} points to. */
  public String pem() {
    return pem("CERTIFICATE", encoded(cert));
  }

  /** The root certificate, e.g. for a trust store. */
  public X509Certificate certificate() {
    return cert;
  }

  /** A server certificate for {@code localhost} only (so {@code 127.0.0.1} is another name). */
  public ServerCert issueServer() {
    KeyPair serverKeys = ecKeys();
    GeneralNames names =
        new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.dNSName, "localhost")});
    X509Certificate server =
        sign(
            X500Name.getInstance(cert.getSubjectX500Principal().getEncoded()),
            new X500Name("CN=localhost"),
            serverKeys,
            keys,
            false,
            names);
    return new ServerCert(
        pem("CERTIFICATE", encoded(server)),
        pem("PRIVATE KEY", serverKeys.getPrivate().getEncoded()));
  }

  private static X509Certificate sign(
      X500Name issuer,
      X500Name subject,
      KeyPair subjectKeys,
      KeyPair signerKeys,
      boolean ca,
      GeneralNames altNames) {
    Instant now = Instant.now();
    try {
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              issuer,
              BigInteger.valueOf(now.toEpochMilli()).add(BigInteger.valueOf(System.nanoTime())),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(Duration.ofDays(1))),
              subject,
              subjectKeys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      b.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
      if (altNames != null) {
        b.addExtension(Extension.subjectAlternativeName, false, altNames);
      }
      return new JcaX509CertificateConverter()
          .getCertificate(
              b.build(
                  new JcaContentSignerBuilder("SHA256withECDSA").build(signerKeys.getPrivate())));
    } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair ecKeys() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] encoded(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
