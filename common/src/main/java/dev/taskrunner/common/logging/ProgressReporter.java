package dev.taskrunner.common.logging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a {@code progress} event at a fixed interval while long work runs: done, total when known,
 * rate and ETA. Close it when the work ends.
 */
public final class ProgressReporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressReporter.class);

  private final ScheduledExecutorService timer;
  private final String what;
  private final String unit;
  private final LongSupplier done;
  private final LongSupplier total;
  private final Clock clock;
  private final Instant start;

  private ProgressReporter(
      String what, String unit, LongSupplier done, LongSupplier total, Clock clock) {
    this.what = what;
    this.unit = unit;
    this.done = done;
    this.total = total;
    this.clock = clock;
    this.start = clock.instant();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "progress");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts reporting.
   *
   * @param what the work being done, e.g. {@code backup.upload}
   * @param unit what {@code done} counts, e.g. {@code bytes} or {@code entries}
   * @param total the expected total, or a supplier returning -1 when unknown
   */
  public static ProgressReporter start(
      String what,
      String unit,
      LongSupplier done,
      LongSupplier total,
      Duration interval,
      Clock clock) {
    ProgressReporter reporter = new ProgressReporter(what, unit, done, total, clock);
    long millis = Math.max(1, interval.toMillis());
    reporter.timer.scheduleAtFixedRate(reporter::report, millis, millis, TimeUnit.MILLISECONDS);
    return reporter;
  }

  void report() {
    long d = done.getAsLong();
    long t = total.getAsLong();
    double seconds = Math.max(0.001, Duration.between(start, clock.instant()).toMillis() / 1000.0);
    double rate = d / seconds;
    Events.Builder event =
        Events.event("progress")
            .with("work", what)
            .with("unit", unit)
            .with("done", d)
            .with("rate_per_second", Math.round(rate));
    if (t >= 0) {
      event.with("total", t);
      if (rate > 0 && t >= d) {
        event.with("eta_seconds", Math.round((t - d) / rate));
      }
    }
    event.info(LOG, "{}: {} {} done", what, d, unit);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
