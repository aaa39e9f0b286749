package dev.taskrunner.certcheck.decode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads certificates from bytes, recognising the format from the content, never from a file name:
 * JKS and JCEKS by their magic numbers, DER (a certificate or PKCS#7) and PKCS#12 by the leading
 * ASN.1 SEQUENCE byte, PEM otherwise.
 *
 * <p>PEM is split on its BEGIN/END markers first and only {@code CERTIFICATE}, {@code X509
 * CERTIFICATE} and {@code TRUSTED CERTIFICATE} blocks are decoded, so keys, CSRs, CRLs, comment
 * lines and CRLF line ends in the same file are tolerated (the rule x509-certificate-exporter
 * follows). We do not use the JDK's preview PEM API: preview features do not belong in a hardened
 * image.
 */
public final class CertificateDecoder {
  private static final Pattern PEM_BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
  private static final Set<String> CERT_BLOCKS =
      Set.of("CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE");

  private CertificateDecoder() {}

  /**
   * @param content the bytes of a file or Secret value
   * @param password keystore password for PKCS#12/JKS/JCEKS; null when none was configured
   */
  public static DecodedBundle decode(byte[] content, char[] password) throws DecodeFailure {
    if (isBlank(content)) {
      throw new DecodeFailure("no_certificate_found", "empty content");
    }
    if (startsWith(content, 0xFE, 0xED, 0xFE, 0xED)) {
      return new DecodedBundle("jks", keystore("JKS", content, password, "bad_jks"));
    }
    if (startsWith(content, 0xCE, 0xCE, 0xCE, 0xCE)) {
      return new DecodedBundle("jceks", keystore("JCEKS", content, password, "bad_jks"));
    }
    if ((content[0] & 0xFF) == 0x30) {
      List<X509Certificate> der = derCertificates(content);
      if (!der.isEmpty()) {
        return new DecodedBundle("der", der);
      }
      return new DecodedBundle("pkcs12", keystore("PKCS12", content, password, "bad_pkcs12"));
    }
    return new DecodedBundle("pem", pem(new String(content, StandardCharsets.ISO_8859_1)));
  }

  private static List<X509Certificate> pem(String text) throws DecodeFailure {
    Matcher m = PEM_BLOCK.matcher(text);
    List<X509Certificate> out = new ArrayList<>();
    int blocks = 0;
    while (m.find()) {
      blocks++;
      String type = m.group(1).trim();
      if (!CERT_BLOCKS.contains(type)) {
        continue;
      }
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(2).trim());
      } catch (IllegalArgumentException e) {
        throw new DecodeFailure("bad_pem", "PEM block " + blocks + " is not valid Base64");
      }
      try {
        out.add(
            (X509Certificate)
                CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der)));
      } catch (CertificateException e) {
        throw new DecodeFailure("bad_pem", "PEM block " + blocks + " is not a certificate");
      }
    }
    if (out.isEmpty()) {
      throw new DecodeFailure(
          "no_certificate_found",
          blocks == 0 ? "no PEM certificate block" : blocks + " PEM block(s), none a certificate");
    }
    return out;
  }

  private static List<X509Certificate> derCertificates(byte[] content) {
    try {
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c :
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(content))) {
        out.add((X509Certificate) c);
      }
      return out;
    } catch (CertificateException | RuntimeException e) {
      return List.of();
    }
  }

  private static List<X509Certificate> keystore(
      String type, byte[] content, char[] password, String badFormat) throws DecodeFailure {
    KeyStore store;
    try {
      store = KeyStore.getInstance(type);
      store.load(new ByteArrayInputStream(content), password);
    } catch (IOException e) {
      if (isPasswordProblem(e)) {
        throw new DecodeFailure(
            "bad_passphrase",
            password == null
                ? type + " keystore needs a password (--keystore-password)"
                : type + " keystore password is wrong");
      }
      throw new DecodeFailure(badFormat, type + " keystore cannot be read: " + safe(e));
    } catch (GeneralSecurityException e) {
      throw new DecodeFailure(badFormat, type + " keystore cannot be read: " + safe(e));
    }
    Set<X509Certificate> certs = new LinkedHashSet<>();
    try {
      for (String alias : Collections.list(store.aliases())) {
        Certificate[] chain = store.getCertificateChain(alias);
        if (chain != null) {
          for (Certificate c : chain) {
            certs.add((X509Certificate) c);
          }
        } else if (store.getCertificate(alias) instanceof X509Certificate c) {
          certs.add(c);
        }
      }
    } catch (GeneralSecurityException e) {
      throw new DecodeFailure(badFormat, type + " keystore entries cannot be read");
    }
    if (certs.isEmpty()) {
      // A PKCS#12 whose certificate bag is encrypted loads "fine" without a password, but empty.
      throw new DecodeFailure(
          password == null ? "bad_passphrase" : "no_certificate_found",
          password == null
              ? type + " keystore holds no readable certificate without a password"
              : type + " keystore holds no certificate");
    }
    return List.copyOf(certs);
  }

  private static boolean isPasswordProblem(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UnrecoverableKeyException || t instanceof javax.crypto.BadPaddingException) {
        return true;
      }
      String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (m.contains("password")) {
        return true;
      }
    }
    return false;
  }

  /** Exception class and message; JDK keystore messages never echo the password. */
  private static String safe(Exception e) {
    return e.getClass().getSimpleName()
        + (e.getMessage() == null ? "" : ": " + e.getMessage().replaceAll("\\s+", " "));
  }

  private static boolean isBlank(byte[] content) {
    for (byte b : content) {
      if (!Character.isWhitespace(b & 0xFF)) {
        return false;
      }
    }
    return true;
  }

  private static boolean startsWith(byte[] content, int... magic) {
    if (content.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((content[i] & 0xFF) != magic[i]) {
        return false;
      }
    }
    return true;
  }
}
