package dev.taskrunner.certcheck.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A real TLS server in the test JVM (the JDK's SSLServerSocket) on a loopback port. It picks its
 * identity by the SNI the client sent, falling back to a default one, so "a server that needs SNI"
 * can be reproduced. An optional plain-text prelude runs before the handshake (STARTTLS servers).
 */
public final class TlsServer implements AutoCloseable {
  /** Plain-text exchange before TLS; returns normally to go on with the handshake. */
  public interface Prelude {
    void run(InputStream in, OutputStream out) throws IOException;
  }

  private final ServerSocket server;
  private final SSLContext context;
  private final Prelude prelude;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  private final List<String> offeredProtocols = new java.util.concurrent.CopyOnWriteArrayList<>();

  private TlsServer(Map<String, Identity> bySni, Identity fallback, Prelude prelude)
      throws IOException {
    try {
      this.context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {new SniKeyManager(bySni, fallback)}, null, null);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    this.prelude = prelude;
    this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    this.acceptor = Thread.ofPlatform().daemon().name("tls-server-" + port()).start(this::accept);
  }

  public static TlsServer start(Identity identity) {
    return start(Map.of(), identity, null);
  }

  public static TlsServer start(Map<String, Identity> bySni, Identity fallback, Prelude prelude) {
    try {
      return new TlsServer(bySni, fallback, prelude);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Every ALPN protocol name clients offered so far. */
  public List<String> offeredProtocols() {
    return List.copyOf(offeredProtocols);
  }

  public int port() {
    return server.getLocalPort();
  }

  /** {@code 127.0.0.1:port}. */
  public String address() {
    return "127.0.0.1:" + port();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket plain = server.accept();
        open.add(plain);
        Thread.ofVirtual().start(() -> serve(plain));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket plain) {
    try (plain) {
      plain.setSoTimeout(10_000);
      if (prelude != null) {
        prelude.run(plain.getInputStream(), plain.getOutputStream());
      }
      try (SSLSocket tls =
          (SSLSocket) context.getSocketFactory().createSocket(plain, null, plain.getPort(), true)) {
        tls.setUseClientMode(false);
        // Record the ALPN protocols clients offer; agree to PostgreSQL's when offered.
        tls.setHandshakeApplicationProtocolSelector(
            (socket, offered) -> {
              offeredProtocols.addAll(offered);
              return offered.contains("postgresql") ? "postgresql" : "";
            });
        tls.startHandshake();
        // Wait for the client to close; the prober never sends data.
        tls.getInputStream().read();
      }
    } catch (IOException e) {
      // The client closed or gave up: normal for a prober.
    } finally {
      open.remove(plain);
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // closing
    }
    open.forEach(
        s -> {
          try {
            s.close();
          } catch (IOException e) {
            // closing
          }
        });
  }

  /** Chooses the identity by the requested server name. */
  private static final class SniKeyManager extends X509ExtendedKeyManager {
    private final Map<String, Identity> identities = new LinkedHashMap<>();

    SniKeyManager(Map<String, Identity> bySni, Identity fallback) {
      identities.putAll(bySni);
      identities.put("", fallback);
    }

    private String choose(String keyType, SSLSession handshake) {
      String alias = "";
      if (handshake instanceof ExtendedSSLSession ext) {
        for (SNIServerName name : ext.getRequestedServerNames()) {
          if (name instanceof SNIHostName host && identities.containsKey(host.getAsciiName())) {
            alias = host.getAsciiName();
          }
        }
      }
      String algorithm = identities.get(alias).key().getAlgorithm();
      boolean fits =
          keyType.equals(algorithm)
              || (algorithm.equals("RSA") && keyType.startsWith("RSA"))
              || (algorithm.equals("EC") && keyType.startsWith("EC"));
      return fits ? alias : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return choose(keyType, ((SSLSocket) socket).getHandshakeSession());
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return choose(keyType, engine.getHandshakeSession());
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return identities.get(alias).chain().toArray(X509Certificate[]::new);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return identities.get(alias).key();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return identities.keySet().toArray(String[]::new);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[0];
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }
}
