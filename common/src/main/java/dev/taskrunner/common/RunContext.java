package dev.taskrunner.common;

import dev.taskrunner.common.logging.ProgressReporter;
import dev.taskrunner.common.retry.Retrier;
import dev.taskrunner.common.retry.RetrySettings;
import dev.taskrunner.common.shutdown.ShutdownCoordinator;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * What the shared runtime gives a running task.
 *
 * @param task task name ({@code backup}, {@code cleanup}, {@code certcheck}): metric label and
 *     Pushgateway job
 * @param runId unique id of this run, in every log line and in names the task creates
 * @param clock the only source of "now"; tests freeze it
 * @param meters registry for domain metrics; pushed at the end with the run metrics
 * @param shutdown where to register cleanup actions for SIGTERM/SIGINT
 * @param progressInterval interval of progress events
 * @param retrySettings the shared retry policy from configuration
 */
public record RunContext(
    String task,
    String runId,
    Clock clock,
    MeterRegistry meters,
    ShutdownCoordinator shutdown,
    Duration progressInterval,
    RetrySettings retrySettings) {

  /** A retrier with the configured policy and this run's clock. */
  public Retrier retrier() {
    return new Retrier(retrySettings, clock);
  }

  /** Starts periodic progress events; close the result when the work ends. */
  public ProgressReporter progress(
      String work, String unit, LongSupplier done, LongSupplier total) {
    return ProgressReporter.start(work, unit, done, total, progressInterval, clock);
  }
}
