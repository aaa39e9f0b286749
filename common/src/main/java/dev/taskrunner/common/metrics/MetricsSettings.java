package dev.taskrunner.common.metrics;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Where and how a run's metrics are pushed.
 *
 * @param pushgatewayUrl Prometheus Pushgateway base URL ({@code PUSHGATEWAY_URL}); empty: no push
 * @param otlpEndpoint OTLP/HTTP metrics endpoint ({@code OTEL_EXPORTER_OTLP_METRICS_ENDPOINT});
 *     empty: no OTLP export
 * @param groupingLabels extra Pushgateway grouping labels beside {@code job=<task>} (stable ones
 *     such as cluster or environment; never an instance or pod label, or every run leaves a new
 *     series behind)
 * @param timeout time limit of one push
 */
public record MetricsSettings(
    Optional<URI> pushgatewayUrl,
    Optional<URI> otlpEndpoint,
    Map<String, String> groupingLabels,
    Duration timeout) {

  public MetricsSettings {
    groupingLabels = Map.copyOf(groupingLabels);
    if (groupingLabels.containsKey("instance") || groupingLabels.containsKey("job")) {
      throw new IllegalArgumentException(
          "grouping labels must not set 'job' (it is the task) or 'instance' (it would keep one series per run)");
    }
  }

  public static MetricsSettings none() {
    return new MetricsSettings(
        Optional.empty(), Optional.empty(), Map.of(), Duration.ofSeconds(10));
  }
}
