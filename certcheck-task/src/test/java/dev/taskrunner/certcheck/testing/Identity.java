package dev.taskrunner.certcheck.testing;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** What a test server presents: its key and the chain it sends, leaf first. */
public record Identity(PrivateKey key, List<X509Certificate> chain) {
  public static Identity of(TestPki.Issued leaf, TestPki.Issued... rest) {
    List<X509Certificate> chain = new java.util.ArrayList<>();
    chain.add(leaf.cert());
    for (TestPki.Issued i : rest) {
      chain.add(i.cert());
    }
    return new Identity(leaf.keys().getPrivate(), List.copyOf(chain));
  }

  /** The chain plus extra certificates that are not issuers of anything (an old cross-sign). */
  public Identity plus(X509Certificate... extra) {
    List<X509Certificate> all = new java.util.ArrayList<>(chain);
    all.addAll(List.of(extra));
    return new Identity(key, List.copyOf(all));
  }
}
