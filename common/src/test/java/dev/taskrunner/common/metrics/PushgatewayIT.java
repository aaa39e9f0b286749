package dev.taskrunner.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskrunner.common.testing.Pushgateway;
import io.micrometer.core.instrument.Counter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Pushes to a real Prometheus Pushgateway (Debian's package) and reads the result back. */
class PushgatewayIT {
  private static Pushgateway gateway;

  @BeforeAll
  static void start() {
    gateway = Pushgateway.start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void runMetricsArriveUnderTheTaskJobWithoutAnInstanceLabel() {
    MetricsSettings settings =
        new MetricsSettings(
            Optional.of(gateway.url()),
            Optional.empty(),
            Map.of("cluster", "prod-eu/1"),
            Duration.ofSeconds(5));
    try (MetricsPublisher publisher = new MetricsPublisher("pushtest", settings)) {
      Counter.builder("taskrunner_pushtest_items_total")
          .register(publisher.registry())
          .increment(7);
      Instant start = Instant.parse("2026-12-03T02:00:00Z");
      RunMetrics.record(publisher.registry(), start, start.plusSeconds(42), 0, true);
      publisher.push();
    }
    String metrics = gateway.metrics();
    assertThat(metrics)
        .containsPattern(
            "taskrunner_last_success_timestamp_seconds\\{[^}]*job=\"pushtest\"[^}]*\\} 1\\.796263242e\\+09")
        .containsPattern("taskrunner_run_duration_seconds\\{[^}]*job=\"pushtest\"[^}]*\\} 42")
        .containsPattern("taskrunner_run_status\\{[^}]*task=\"pushtest\"[^}]*\\} 0")
        .containsPattern("taskrunner_pushtest_items_total\\{[^}]*\\} 7")
        .containsPattern("taskrunner_run_status\\{[^}]*cluster=\"prod-eu/1\"")
        .containsPattern("taskrunner_run_status\\{[^}]*instance=\"\"");
  }

  @Test
  void failedRunDoesNotSetLastSuccess() {
    MetricsSettings settings =
        new MetricsSettings(
            Optional.of(gateway.url()), Optional.empty(), Map.of(), Duration.ofSeconds(5));
    try (MetricsPublisher publisher = new MetricsPublisher("failing", settings)) {
      Instant start = Instant.parse("2026-12-03T02:00:00Z");
      RunMetrics.record(publisher.registry(), start, start.plusSeconds(1), 1, false);
      publisher.push();
    }
    String metrics = gateway.metrics();
    assertThat(metrics).containsPattern("taskrunner_run_status\\{[^}]*job=\"failing\"[^}]*\\} 1");
    assertThat(metrics)
        .doesNotContainPattern("taskrunner_last_success_timestamp_seconds\\{[^}]*job=\"failing\"");
  }

  @Test
  void unreachableGatewayIsLoggedNotThrown() {
    MetricsSettings settings =
        new MetricsSettings(
            Optional.of(URI.create("http://127.0.0.1:9")),
            Optional.empty(),
            Map.of(),
            Duration.ofSeconds(2));
    try (MetricsPublisher publisher = new MetricsPublisher("nowhere", settings)) {
      publisher.push();
    }
  }
}
