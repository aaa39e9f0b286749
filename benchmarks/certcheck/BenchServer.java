// Benchmark fixture: one process serving TLS on many loopback ports (varied certificates) plus
// tarpits that accept and never answer. Run with the BouncyCastle jars on the class path:
//   java -cp bcprov.jar:bcpkix.jar:bcutil.jar BenchServer.java OUTDIR ENDPOINTS TARPITS
// Writes OUTDIR/ca.pem, targets.txt (host:port), hosts.txt ("host port"), tarpits.txt, and
// OUTDIR/ready when listening. Every 10th endpoint is expired, every 10th+1 expires in 20 days.
import java.io.*;
import java.math.BigInteger;
import java.net.*;
import java.nio.file.*;
import java.security.*;
import java.security.cert.*;
import java.security.spec.ECGenParameterSpec;
import java.time.*;
import java.util.*;
import javax.net.ssl.*;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.*;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

public class BenchServer {
  static long serial = 1;

  static KeyPair ec() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  static X509Certificate cert(String dn, X500Name issuer, KeyPair subject, PrivateKey signer,
      Instant from, Instant to, boolean ca) throws Exception {
    var b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(serial++), Date.from(from),
        Date.from(to), new X500Name(dn), subject.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    if (!ca) {
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.dNSName, "localhost"),
          new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
    }
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
  }

  static String pem(X509Certificate c) throws Exception {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(c.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }

  static SSLContext context(PrivateKey key, X509Certificate... chain) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("k", key, "x".toCharArray(), chain);
    KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
    kmf.init(ks, "x".toCharArray());
    SSLContext c = SSLContext.getInstance("TLS");
    c.init(kmf.getKeyManagers(), null, null);
    return c;
  }

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    int endpoints = Integer.parseInt(args[1]);
    int tarpits = Integer.parseInt(args[2]);
    Files.createDirectories(out);
    Instant now = Instant.now();
    KeyPair caKeys = ec();
    X500Name caName = new X500Name("CN=Bench Root");
    X509Certificate ca = cert("CN=Bench Root", caName, caKeys, caKeys.getPrivate(),
        now.minus(Duration.ofDays(10)), now.plus(Duration.ofDays(3650)), true);
    KeyPair interKeys = ec();
    X509Certificate inter = cert("CN=Bench Intermediate", caName, interKeys, caKeys.getPrivate(),
        now.minus(Duration.ofDays(10)), now.plus(Duration.ofDays(1000)), true);
    X500Name interName = new X500Name("CN=Bench Intermediate");
    Files.writeString(out.resolve("ca.pem"), pem(ca));

    // Varied certificates: a handful of keys and validity periods, shared across ports.
    List<SSLContext> ok = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      KeyPair k = ec();
      ok.add(context(k.getPrivate(), cert("CN=ok-" + i, interName, k, interKeys.getPrivate(),
          now.minus(Duration.ofDays(30)), now.plus(Duration.ofDays(100 + 30 * i)), false), inter));
    }
    KeyPair ek = ec();
    SSLContext expired = context(ek.getPrivate(), cert("CN=expired", interName, ek,
        interKeys.getPrivate(), now.minus(Duration.ofDays(100)), now.minus(Duration.ofDays(2)),
        false), inter);
    KeyPair wk = ec();
    SSLContext warn = context(wk.getPrivate(), cert("CN=warn", interName, wk,
        interKeys.getPrivate(), now.minus(Duration.ofDays(70)), now.plus(Duration.ofDays(20)),
        false), inter);

    StringBuilder targets = new StringBuilder();
    StringBuilder hosts = new StringBuilder();
    for (int i = 0; i < endpoints; i++) {
      SSLContext c = i % 10 == 0 ? expired : i % 10 == 1 ? warn : ok.get(i % ok.size());
      SSLServerSocket s = (SSLServerSocket) c.getServerSocketFactory()
          .createServerSocket(0, 512, InetAddress.getLoopbackAddress());
      targets.append("127.0.0.1:").append(s.getLocalPort()).append('\n');
      hosts.append("127.0.0.1 ").append(s.getLocalPort()).append('\n');
      Thread.ofVirtual().start(() -> acceptTls(s));
    }
    StringBuilder pits = new StringBuilder();
    for (int i = 0; i < tarpits; i++) {
      ServerSocket s = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
      pits.append("127.0.0.1:").append(s.getLocalPort()).append('\n');
      Thread.ofVirtual().start(() -> acceptSilently(s));
    }
    Files.writeString(out.resolve("targets.txt"), targets);
    Files.writeString(out.resolve("hosts.txt"), hosts);
    Files.writeString(out.resolve("tarpits.txt"), pits);
    Files.writeString(out.resolve("ready"), "ready\n");
    Thread.sleep(Long.MAX_VALUE);
  }

  static void acceptTls(SSLServerSocket server) {
    while (true) {
      try {
        Socket s = server.accept();
        Thread.ofVirtual().start(() -> {
          try (s) {
            s.setSoTimeout(30_000);
            ((SSLSocket) s).startHandshake();
            s.getInputStream().read();
          } catch (IOException e) {
            // client closed
          }
        });
      } catch (IOException e) {
        return;
      }
    }
  }

  static void acceptSilently(ServerSocket server) {
    List<Socket> held = Collections.synchronizedList(new ArrayList<>());
    while (true) {
      try {
        held.add(server.accept()); // never read, never write, never close
      } catch (IOException e) {
        return;
      }
    }
  }
}
