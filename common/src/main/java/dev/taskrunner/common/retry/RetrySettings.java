package dev.taskrunner.common.retry;

import java.time.Duration;

/**
 * The shared retry policy: exponential backoff with full jitter, bounded by attempts and by total
 * elapsed time.
 *
 * @param maxAttempts attempts including the first (1 = no retry); default 5
 * @param initialDelay upper bound of the first delay; default 500ms
 * @param maxDelay upper bound of any delay; default 20s
 * @param maxElapsed no new attempt starts after this much time since the first; default 2m
 */
public record RetrySettings(
    int maxAttempts, Duration initialDelay, Duration maxDelay, Duration maxElapsed) {

  public RetrySettings {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("max attempts must be at least 1, got " + maxAttempts);
    }
    if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException("need 0 <= initial delay <= max delay");
    }
  }

  public static RetrySettings defaults() {
    return new RetrySettings(
        5, Duration.ofMillis(500), Duration.ofSeconds(20), Duration.ofMinutes(2));
  }

  /**
   * Upper bound of the delay before retry number {@code retry} (1-based): {@code min(maxDelay,
   * initialDelay * 2^(retry-1))}. The actual delay is uniform in [0, bound] ("full jitter", AWS
   * Architecture Blog, "Exponential Backoff And Jitter"), which spreads retries of many pods apart.
   */
  public Duration delayCeiling(int retry) {
    long initial = initialDelay.toNanos();
    int shift = Math.min(Math.max(retry - 1, 0), 40);
    long ceiling = initial > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : initial << shift;
    return Duration.ofNanos(Math.min(ceiling, maxDelay.toNanos()));
  }
}
