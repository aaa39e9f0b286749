// The floor for scenario A: the JDK's TLS client alone, no evaluation, no logging. It completes a
// handshake with each target (trust-all, a fresh peer name per connection so no session is
// resumed), at the same concurrency certcheck-task uses, and prints how many succeeded. What
// certcheck-task spends above this is its own; what this spends is the JDK's.
//   javac -d OUT TlsFloor.java && java -cp OUT TlsFloor TARGETS_FILE CONCURRENCY
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

public class TlsFloor {
  public static void main(String[] args) throws Exception {
    List<String> targets = Files.readAllLines(Path.of(args[0]));
    Semaphore slots = new Semaphore(Integer.parseInt(args[1]));
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {new X509TrustManager() {
      public void checkClientTrusted(X509Certificate[] chain, String auth) {}
      public void checkServerTrusted(X509Certificate[] chain, String auth) {}
      public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }}, null);
    SSLSocketFactory factory = context.getSocketFactory();
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger peer = new AtomicInteger();
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (String target : targets) {
        int colon = target.lastIndexOf(':');
        String host = target.substring(0, colon);
        int port = Integer.parseInt(target.substring(colon + 1));
        pool.submit(() -> {
          slots.acquire();
          try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(host, port), 5000);
            plain.setSoTimeout(5000);
            SSLSocket tls = (SSLSocket) factory.createSocket(
                plain, "peer-" + peer.incrementAndGet() + ".invalid", port, true);
            tls.startHandshake();
            if (tls.getSession().getPeerCertificates().length > 0) {
              ok.incrementAndGet();
            }
            tls.close();
          } finally {
            slots.release();
          }
          return null;
        });
      }
    }
    System.out.println("handshakes_ok=" + ok);
  }
}
