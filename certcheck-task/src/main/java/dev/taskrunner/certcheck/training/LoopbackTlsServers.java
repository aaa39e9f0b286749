package dev.taskrunner.certcheck.training;

import dev.taskrunner.certcheck.target.EndpointTarget;
import dev.taskrunner.certcheck.target.StartTls;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * One TLS server on 127.0.0.1 per key entry of a keystore (the image build makes an EC and an RSA
 * key with keytool), each completing handshakes until closed.
 *
 * <p>Why: the image's training run used to parse options and exit, so the AOT cache knew nothing of
 * TLS. A scan is mostly the JDK's TLS and elliptic-curve code warming up; recording it probing
 * these servers makes a real scan start with those classes loaded and their profiles known.
 */
public final class LoopbackTlsServers implements AutoCloseable {
  private final List<ServerSocket> sockets = new ArrayList<>();
  private final List<X509Certificate> certificates = new ArrayList<>();

  private LoopbackTlsServers() {}

  /**
   * @param keystore a PKCS#12 (or JKS) file whose every key entry becomes one server
   * @param password of the keystore and of its keys
   */
  public static LoopbackTlsServers start(Path keystore, char[] password)
      throws IOException, GeneralSecurityException {
    KeyStore all = KeyStore.getInstance(keystore.toFile(), password);
    LoopbackTlsServers servers = new LoopbackTlsServers();
    try {
      for (String alias : Collections.list(all.aliases())) {
        if (!all.isKeyEntry(alias)) {
          continue;
        }
        Certificate[] chain = all.getCertificateChain(alias);
        KeyStore one = KeyStore.getInstance("PKCS12");
        one.load(null, null);
        one.setKeyEntry(alias, all.getKey(alias, password), password, chain);
        KeyManagerFactory keys = KeyManagerFactory.getInstance("SunX509");
        keys.init(one, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        SSLServerSocket socket =
            (SSLServerSocket)
                context
                    .getServerSocketFactory()
                    .createServerSocket(0, 256, InetAddress.getLoopbackAddress());
        servers.sockets.add(socket);
        servers.certificates.add((X509Certificate) chain[0]);
        Thread.ofVirtual().name("aot-training-tls-" + alias).start(() -> serve(socket));
      }
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      servers.close();
      throw e;
    }
    if (servers.sockets.isEmpty()) {
      throw new GeneralSecurityException("no key entry in " + keystore);
    }
    return servers;
  }

  /** {@code copies} targets per server, all on 127.0.0.1. */
  public List<EndpointTarget> targets(int copies) {
    List<EndpointTarget> out = new ArrayList<>();
    for (int i = 0; i < copies; i++) {
      for (ServerSocket s : sockets) {
        out.add(new EndpointTarget("127.0.0.1", s.getLocalPort(), "", StartTls.NONE, "aot"));
      }
    }
    return out;
  }

  /** The servers' certificates, to be trusted so the run takes the path of a healthy estate. */
  public List<X509Certificate> certificates() {
    return List.copyOf(certificates);
  }

  private static void serve(ServerSocket server) {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        Thread.ofVirtual().start(() -> handshake(s));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private static void handshake(Socket socket) {
    try (socket;
        InputStream in = socket.getInputStream()) {
      socket.setSoTimeout(10_000);
      ((SSLSocket) socket).startHandshake();
      while (in.read() >= 0) {
        // until the prober closes
      }
    } catch (IOException e) {
      // the prober closes first; nothing to report
    }
  }

  @Override
  public void close() {
    for (ServerSocket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        // best effort: the training process exits right after
      }
    }
  }
}
