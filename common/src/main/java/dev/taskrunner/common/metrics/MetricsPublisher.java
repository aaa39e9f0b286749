package dev.taskrunner.common.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.registry.otlp.OtlpConfig;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the run's meter registry and pushes it once at the end, to a Pushgateway and/or OTLP.
 *
 * <p>The Pushgateway protocol is one HTTP PUT of the text exposition format to {@code
 * /metrics/job/<task>{/<label>/<value>}}; PUT replaces the group, so each run replaces the last. We
 * send it with the JDK's HTTP client rather than {@code prometheus-metrics-exporter-pushgateway}
 * because the exporter version matching Micrometer's Prometheus client is not published where we
 * can build, and two Prometheus client versions in one jar set would be worse than 20 lines.
 *
 * <p>A failed push is logged and never changes the task's exit code.
 */
public final class MetricsPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsPublisher.class);

  private final String task;
  private final MetricsSettings settings;
  private final PrometheusMeterRegistry prometheus;
  private final Optional<OtlpMeterRegistry> otlp;
  private final CompositeMeterRegistry registry;

  public MetricsPublisher(String task, MetricsSettings settings) {
    this.task = task;
    this.settings = settings;
    this.prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.registry = new CompositeMeterRegistry();
    registry.add(prometheus);
    this.otlp = settings.otlpEndpoint().map(endpoint -> otlpRegistry(task, endpoint));
    otlp.ifPresent(registry::add);
    registry.config().commonTags("task", task);
  }

  /** Where tasks register their meters. */
  public MeterRegistry registry() {
    return registry;
  }

  /** The text exposition of everything registered so far. */
  public String scrape() {
    return prometheus.scrape();
  }

  /** Pushes once; safe to call when nothing is configured. Never throws. */
  public void push() {
    settings.pushgatewayUrl().ifPresent(this::pushToGateway);
    otlp.ifPresent(
        registry -> {
          try {
            // close() publishes the final step and waits for it: that is the flush.
            registry.close();
            LOG.info("metrics exported to OTLP endpoint {}", settings.otlpEndpoint().get());
          } catch (RuntimeException e) {
            LOG.warn("OTLP metrics export failed: {}", e.toString());
          }
        });
  }

  private void pushToGateway(URI base) {
    URI target = groupUri(base, task, settings.groupingLabels());
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
      HttpRequest request =
          HttpRequest.newBuilder(target)
              .timeout(settings.timeout())
              .header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
              .PUT(HttpRequest.BodyPublishers.ofString(scrape(), StandardCharsets.UTF_8))
              .build();
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 == 2) {
        LOG.info("metrics pushed to {}", target);
      } else {
        LOG.warn(
            "metrics push to {} failed with HTTP {}: {}",
            target,
            response.statusCode(),
            abbreviate(response.body()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("metrics push to {} interrupted", target);
    } catch (Exception e) {
      LOG.warn("metrics push to {} failed: {}", target, e.toString());
    }
  }

  /** {@code /metrics/job/<task>/<label>/<value>...}; values with a slash use the base64 form. */
  static URI groupUri(URI base, String job, Map<String, String> labels) {
    StringBuilder path = new StringBuilder(base.toString().replaceAll("/+$", ""));
    path.append("/metrics/job/").append(segment(job));
    new TreeMap<>(labels)
        .forEach(
            (name, value) -> {
              if (value.contains("/") || value.isEmpty()) {
                path.append('/')
                    .append(name)
                    .append("@base64/")
                    .append(
                        Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(value.getBytes(StandardCharsets.UTF_8)));
              } else {
                path.append('/').append(name).append('/').append(segment(value));
              }
            });
    return URI.create(path.toString());
  }

  private static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String abbreviate(String body) {
    String oneLine = body.replaceAll("\\s+", " ").trim();
    return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
  }

  private static OtlpMeterRegistry otlpRegistry(String task, URI endpoint) {
    OtlpConfig config =
        new OtlpConfig() {
          @Override
          public String get(String key) {
            return null;
          }

          @Override
          public String url() {
            return endpoint.toString();
          }

          @Override
          public Map<String, String> resourceAttributes() {
            return Map.of("service.name", "taskrunner-" + task);
          }
        };
    return new OtlpMeterRegistry(config, io.micrometer.core.instrument.Clock.SYSTEM);
  }

  @Override
  public void close() {
    registry.close();
  }
}
