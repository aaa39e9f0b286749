package dev.taskrunner.images.container;

import dev.taskrunner.images.monitoring.MonitoringQueries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * A real Prometheus Pushgateway in a container on the tasks' network, reachable from them as {@code
 * http://pushgateway:9091}: Debian's {@code prometheus-pushgateway} binary (installed on the host
 * by {@code docker/testbed/ensure-pushgateway.sh}; it needs only glibc) run in the Debian test
 * image, since no Pushgateway image can be pulled here.
 */
final class PushgatewayContainer extends GenericContainer<PushgatewayContainer> {
  /** URL the task containers push to. */
  static final String URL = "http://pushgateway:9091";

  private static final List<String> BINARIES =
      List.of("/usr/bin/prometheus-pushgateway", "/usr/local/bin/pushgateway");

  PushgatewayContainer(Network network) {
    super(ServerImages.openssl());
    String binary =
        BINARIES.stream()
            .filter(p -> Files.isExecutable(Path.of(p)))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "prometheus-pushgateway not installed: run docker/testbed/ensure-pushgateway.sh"));
    withNetwork(network);
    withNetworkAliases("pushgateway");
    withFileSystemBind(binary, "/usr/local/bin/pushgateway", BindMode.READ_ONLY);
    withCommand("/usr/local/bin/pushgateway", "--web.listen-address=:9091", "--persistence.file=");
    withExposedPorts(9091);
    waitingFor(Wait.forHttp("/-/ready").forPort(9091));
    withStartupTimeout(Duration.ofMinutes(1));
  }

  /** Names of every metric the gateway holds now. */
  Set<String> metricNames() {
    URI uri = URI.create("http://" + getHost() + ":" + getMappedPort(9091) + "/metrics");
    try (HttpClient http = HttpClient.newHttpClient()) {
      String body =
          http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString())
              .body();
      return MonitoringQueries.exposed(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
