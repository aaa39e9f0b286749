package dev.taskrunner.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Prometheus Pushgateway (Debian's {@code prometheus-pushgateway}, installed by {@code
 * docker/testbed/ensure-pushgateway.sh}) started on a free loopback port for one test class.
 */
public final class Pushgateway implements AutoCloseable {
  private static final List<String> CANDIDATES =
      List.of("/usr/bin/prometheus-pushgateway", "/usr/local/bin/pushgateway");

  private final Process process;
  private final URI url;
  private final HttpClient http = HttpClient.newHttpClient();

  private Pushgateway(Process process, URI url) {
    this.process = process;
    this.url = url;
  }

  public static Pushgateway start() {
    String binary =
        CANDIDATES.stream()
            .filter(p -> Files.isExecutable(Path.of(p)))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "prometheus-pushgateway not installed: run docker/testbed/ensure-pushgateway.sh"));
    int port = freePort();
    try {
      Process process =
          // Debian's build persists to /var/lib/prometheus/pushgateway.data by default: an empty
          // path keeps each test's gateway fresh, so no test reads another run's metrics.
          new ProcessBuilder(
                  binary, "--web.listen-address=127.0.0.1:" + port, "--persistence.file=")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      Pushgateway gateway = new Pushgateway(process, URI.create("http://127.0.0.1:" + port));
      gateway.awaitReady();
      return gateway;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public URI url() {
    return url;
  }

  /** Everything the gateway exposes, in the text format. */
  public String metrics() {
    try {
      return http.send(
              HttpRequest.newBuilder(url.resolve("/metrics")).GET().build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline && process.isAlive()) {
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(url.resolve("/-/ready")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && process.isAlive()) {
          return;
        }
      } catch (IOException e) {
        // not up yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException("pushgateway did not become ready on " + url);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Stops the gateway and waits for it, so the next test cannot reach this one on a reused port.
   */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
