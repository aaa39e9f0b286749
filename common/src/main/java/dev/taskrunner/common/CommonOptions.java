package dev.taskrunner.common;

import dev.taskrunner.common.config.EnvVar;
import dev.taskrunner.common.logging.LogFormat;
import dev.taskrunner.common.metrics.MetricsSettings;
import dev.taskrunner.common.retry.RetrySettings;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Options every task has (a picocli mixin). Variables without a task prefix are the names the
 * ecosystem already uses (LOG_FORMAT, PUSHGATEWAY_URL, OTEL_EXPORTER_OTLP_METRICS_ENDPOINT).
 */
public final class CommonOptions {

  @EnvVar("LOG_FORMAT")
  @Option(
      names = "--log-format",
      paramLabel = "json|text",
      description = "Log line format on stdout. Default: ${DEFAULT-VALUE}.",
      defaultValue = "json",
      converter = LogFormatConverter.class)
  LogFormat logFormat;

  @EnvVar("PUSHGATEWAY_URL")
  @Option(
      names = "--pushgateway-url",
      paramLabel = "URL",
      description = "Prometheus Pushgateway to push the run's metrics to once at the end.")
  URI pushgatewayUrl;

  @EnvVar("METRICS_LABELS")
  @Option(
      names = "--metrics-label",
      paramLabel = "NAME=VALUE",
      split = ",",
      description = "Extra grouping label for the push (repeatable; env: comma-separated).")
  Map<String, String> metricsLabels = new LinkedHashMap<>();

  @EnvVar("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")
  @Option(
      names = "--otlp-metrics-endpoint",
      paramLabel = "URL",
      description = "OTLP/HTTP metrics endpoint to export the run's metrics to at the end.")
  URI otlpEndpoint;

  @Option(
      names = "--progress-interval",
      paramLabel = "DURATION",
      defaultValue = "10s",
      description =
          "Interval of progress events during long work, at least 1ms. Default: ${DEFAULT-VALUE}.")
  Duration progressInterval;

  @Option(
      names = "--shutdown-grace",
      paramLabel = "DURATION",
      defaultValue = "20s",
      description =
          "Time allowed for cleanup after SIGTERM/SIGINT, at least 1s (keep it under the pod's"
              + " terminationGracePeriodSeconds). Default: ${DEFAULT-VALUE}.")
  Duration shutdownGrace;

  @Option(
      names = "--retry-max-attempts",
      paramLabel = "N",
      defaultValue = "5",
      description =
          "Attempts of a retryable remote operation, the first included (at least 1)."
              + " Default: ${DEFAULT-VALUE}.")
  int retryMaxAttempts;

  @Option(
      names = "--retry-initial-delay",
      paramLabel = "DURATION",
      defaultValue = "500ms",
      description =
          "Upper bound of the first retry delay (full jitter). Default: ${DEFAULT-VALUE}.")
  Duration retryInitialDelay;

  @Option(
      names = "--retry-max-delay",
      paramLabel = "DURATION",
      defaultValue = "20s",
      description =
          "Upper bound of any retry delay, at least --retry-initial-delay. Default: ${DEFAULT-VALUE}.")
  Duration retryMaxDelay;

  @Option(
      names = "--retry-max-elapsed",
      paramLabel = "DURATION",
      defaultValue = "2m",
      description =
          "No retry starts later than this after the first attempt. Default: ${DEFAULT-VALUE}.")
  Duration retryMaxElapsed;

  public LogFormat logFormat() {
    return logFormat;
  }

  public Duration progressInterval() {
    return progressInterval;
  }

  /**
   * The option whose value cannot be used, and why; empty when all are usable. Checked by the
   * launcher right after parsing, so a bad value is one configuration error line (exit 2).
   */
  Optional<Map.Entry<String, String>> invalid() {
    if (progressInterval.toMillis() < 1) {
      // 0 is not "off": the reporter would fire every millisecond and flood the log.
      return Optional.of(
          Map.entry("--progress-interval", "must be at least 1ms, got " + progressInterval));
    }
    if (shutdownGrace.compareTo(Duration.ofSeconds(1)) < 0) {
      // Below that the watchdog halts the JVM before the metrics push and the log flush.
      return Optional.of(
          Map.entry("--shutdown-grace", "must be at least 1s, got " + shutdownGrace));
    }
    if (retryMaxAttempts < 1) {
      return Optional.of(
          Map.entry(
              "--retry-max-attempts",
              "must be at least 1 (1 = no retry), got " + retryMaxAttempts));
    }
    if (retryInitialDelay.compareTo(retryMaxDelay) > 0) {
      return Optional.of(
          Map.entry(
              "--retry-initial-delay",
              "must not exceed --retry-max-delay ("
                  + retryInitialDelay
                  + " > "
                  + retryMaxDelay
                  + ")"));
    }
    return Optional.empty();
  }

  public Duration shutdownGrace() {
    return shutdownGrace;
  }

  public RetrySettings retry() {
    return new RetrySettings(retryMaxAttempts, retryInitialDelay, retryMaxDelay, retryMaxElapsed);
  }

  public MetricsSettings metrics() {
    return new MetricsSettings(
        Optional.ofNullable(pushgatewayUrl),
        Optional.ofNullable(otlpEndpoint),
        metricsLabels,
        Duration.ofSeconds(10));
  }

  /** picocli converter, so a bad value names the accepted ones. */
  public static final class LogFormatConverter
      implements picocli.CommandLine.ITypeConverter<LogFormat> {
    @Override
    public LogFormat convert(String value) {
      return LogFormat.parse(value);
    }
  }
}
