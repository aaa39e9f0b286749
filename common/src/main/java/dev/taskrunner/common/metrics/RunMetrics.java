package dev.taskrunner.common.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;

/**
 * The metrics every task reports about its run, named as in the README: last run, last success (set
 * only on success, so a failed run never hides the age of the last good one), duration and exit
 * status.
 */
public final class RunMetrics {
  private RunMetrics() {}

  public static void record(
      MeterRegistry registry, Instant start, Instant end, int exitCode, boolean success) {
    double endSeconds = end.toEpochMilli() / 1000.0;
    Gauge.builder("taskrunner_last_run_timestamp_seconds", () -> endSeconds)
        .description("End of the last run, Unix time")
        .register(registry);
    if (success) {
      Gauge.builder("taskrunner_last_success_timestamp_seconds", () -> endSeconds)
          .description("End of the last successful run, Unix time")
          .register(registry);
    }
    double duration = Duration.between(start, end).toMillis() / 1000.0;
    Gauge.builder("taskrunner_run_duration_seconds", () -> duration)
        .description("Wall time of the last run")
        .register(registry);
    Gauge.builder("taskrunner_run_status", () -> exitCode)
        .description("Exit code of the last run (0 = success)")
        .register(registry);
  }
}
