package dev.taskrunner.certcheck.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Misbehaving TCP servers on loopback: one that accepts and never answers (a tarpit), one that
 * trickles a byte every few seconds (defeats per-read timeouts), one that resets, and the
 * plain-text halves of STARTTLS servers that stall or decline.
 */
public final class PlainServer implements AutoCloseable {
  /** What the server does with each accepted connection. */
  public interface Behaviour {
    void serve(Socket socket) throws IOException, InterruptedException;
  }

  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  private PlainServer(Behaviour behaviour) throws IOException {
    this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              while (!server.isClosed()) {
                try {
                  Socket s = server.accept();
                  open.add(s);
                  Thread.ofVirtual()
                      .start(
                          () -> {
                            try (s) {
                              behaviour.serve(s);
                            } catch (IOException | InterruptedException e) {
                              // client went away
                            } finally {
                              open.remove(s);
                            }
                          });
                } catch (IOException e) {
                  return;
                }
              }
            });
  }

  public static PlainServer start(Behaviour behaviour) {
    try {
      return new PlainServer(behaviour);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Accepts and then says nothing, ever. */
  public static PlainServer tarpit() {
    return start(s -> Thread.sleep(Duration.ofMinutes(5)));
  }

  /** Sends one byte every {@code interval}, forever. */
  public static PlainServer trickle(Duration interval) {
    return start(
        s -> {
          OutputStream out = s.getOutputStream();
          while (true) {
            out.write(0x16);
            out.flush();
            Thread.sleep(interval);
          }
        });
  }

  /** Completes TCP, then resets the connection. */
  public static PlainServer reset() {
    return start(
        s -> {
          s.setSoLinger(true, 0);
          s.close();
        });
  }

  /** SMTP server that greets and then never answers EHLO. */
  public static PlainServer smtpStallAfterGreeting() {
    return start(
        s -> {
          send(s.getOutputStream(), "220 stall.test ESMTP\r\n");
          Thread.sleep(Duration.ofMinutes(5));
        });
  }

  /** PostgreSQL server without TLS: answers the SSLRequest with 'N'. */
  public static PlainServer postgresWithoutTls() {
    return start(
        s -> {
          s.getInputStream().readNBytes(8);
          s.getOutputStream().write('N');
          s.getOutputStream().flush();
          Thread.sleep(Duration.ofSeconds(5));
        });
  }

  public int port() {
    return server.getLocalPort();
  }

  public String address() {
    return "127.0.0.1:" + port();
  }

  static void send(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Reads one CRLF-terminated line. */
  public static String readLine(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
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
}
