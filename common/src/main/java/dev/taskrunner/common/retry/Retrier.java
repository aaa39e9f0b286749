package dev.taskrunner.common.retry;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.failsafe.function.CheckedSupplier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an idempotent operation under the shared {@link RetrySettings} on Failsafe, logging every
 * failed attempt with its cause. The elapsed-time bound is measured with the given {@link Clock}
 * (so tests freeze and advance it), and no delay is scheduled past that bound.
 */
public final class Retrier {
  private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

  private final RetrySettings settings;
  private final Clock clock;
  private final RandomGenerator random;

  public Retrier(RetrySettings settings, Clock clock, RandomGenerator random) {
    this.settings = settings;
    this.clock = clock;
    this.random = random;
  }

  public Retrier(RetrySettings settings, Clock clock) {
    this(settings, clock, RandomGenerator.getDefault());
  }

  public RetrySettings settings() {
    return settings;
  }

  /**
   * Calls {@code operation} until it succeeds, the classifier says no, or a bound is reached; then
   * rethrows the last failure unchanged.
   *
   * @param what short name of the operation for the logs, e.g. {@code s3.upload_part}
   */
  public <T> T call(String what, RetryClassifier classifier, CheckedSupplier<T> operation)
      throws Exception {
    Instant start = clock.instant();
    Instant deadline = start.plus(settings.maxElapsed());
    RetryPolicy<T> policy =
        RetryPolicy.<T>builder()
            .handleIf(
                (T result, Throwable failure) -> failure != null && classifier.isRetryable(failure))
            .abortIf(
                (T result, Throwable failure) ->
                    failure != null && !clock.instant().isBefore(deadline))
            .withMaxAttempts(settings.maxAttempts())
            .withDelayFn(
                context -> {
                  Duration delay = nextDelay(context.getAttemptCount());
                  Duration left = Duration.between(clock.instant(), deadline);
                  return left.isNegative()
                      ? Duration.ZERO
                      : delay.compareTo(left) > 0 ? left : delay;
                })
            .onFailedAttempt(
                event ->
                    LOG.warn(
                        "{} attempt {}/{} failed: {}",
                        what,
                        event.getAttemptCount(),
                        settings.maxAttempts(),
                        describe(event.getLastException())))
            .build();
    try {
      return Failsafe.with(policy).get(operation);
    } catch (FailsafeException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** A delay drawn uniformly from [0, ceiling(retry)]. */
  public Duration nextDelay(int retry) {
    long ceiling = settings.delayCeiling(retry).toNanos();
    return Duration.ofNanos(ceiling == 0 ? 0 : random.nextLong(ceiling + 1));
  }

  private static String describe(Throwable failure) {
    return failure == null
        ? "unknown"
        : failure.getClass().getSimpleName() + ": " + failure.getMessage();
  }
}
