package dev.taskrunner.certcheck.chain;

import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The certificates a chain may end at: the JDK's default trust store (unless disabled) plus extra
 * CA certificates from configuration.
 */
public final class TrustStore {
  private final List<X509Certificate> anchors;

  private TrustStore(List<X509Certificate> anchors) {
    this.anchors = List.copyOf(anchors);
  }

  /**
   * @param includeSystem whether to include the JDK's default trust store ({@code cacerts})
   * @param extra additional trusted CA certificates
   */
  public static TrustStore of(boolean includeSystem, List<X509Certificate> extra) {
    List<X509Certificate> all = new ArrayList<>(extra);
    if (includeSystem) {
      all.addAll(systemAnchors());
    }
    return new TrustStore(all);
  }

  public List<X509Certificate> certificates() {
    return anchors;
  }

  Set<TrustAnchor> trustAnchors() {
    Set<TrustAnchor> out = new LinkedHashSet<>();
    anchors.forEach(c -> out.add(new TrustAnchor(c, null)));
    return out;
  }

  private static List<X509Certificate> systemAnchors() {
    try {
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init((KeyStore) null);
      List<X509Certificate> out = new ArrayList<>();
      for (TrustManager tm : factory.getTrustManagers()) {
        if (tm instanceof X509TrustManager x509) {
          out.addAll(List.of(x509.getAcceptedIssuers()));
        }
      }
      return out;
    } catch (NoSuchAlgorithmException | KeyStoreException e) {
      throw new IllegalStateException("the JDK's default trust store cannot be read", e);
    }
  }
}
