package dev.taskrunner.common.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetrierTest {

  /** A clock that only moves when the test (or the operation under test) moves it. */
  static final class ManualClock extends Clock {
    private Instant now = Instant.parse("2026-03-08T01:59:59Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private static final RetryClassifier IO = RetryClassifier.transientIo();

  @Test
  void delaysAreFullJitterWithinExponentialCeilings() {
    RetrySettings settings =
        new RetrySettings(10, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMinutes(1));
    Retrier retrier = new Retrier(settings, new ManualClock(), new Random(42));
    assertThat(settings.delayCeiling(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(settings.delayCeiling(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(settings.delayCeiling(4)).isEqualTo(Duration.ofMillis(800));
    assertThat(settings.delayCeiling(5)).isEqualTo(Duration.ofSeconds(1));
    assertThat(settings.delayCeiling(60)).isEqualTo(Duration.ofSeconds(1));
    long below = 0;
    for (int i = 0; i < 1000; i++) {
      Duration d = retrier.nextDelay(3);
      assertThat(d).isBetween(Duration.ZERO, Duration.ofMillis(400));
      if (d.compareTo(Duration.ofMillis(200)) < 0) {
        below++;
      }
    }
    // Full jitter is uniform over [0, ceiling]: about half fall in the lower half.
    assertThat(below).isBetween(400L, 600L);
  }

  @Test
  void stopsAtMaxAttemptsAndRethrowsTheLastFailure() {
    RetrySettings settings =
        new RetrySettings(3, Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMinutes(1));
    AtomicInteger calls = new AtomicInteger();
    Retrier retrier = new Retrier(settings, new ManualClock(), new Random(1));
    assertThatThrownBy(
            () ->
                retrier.call(
                    "op",
                    IO,
                    () -> {
                      throw new IOException("reset " + calls.incrementAndGet());
                    }))
        .isInstanceOf(IOException.class)
        .hasMessage("reset 3");
    assertThat(calls).hasValue(3);
  }

  @Test
  void stopsWhenMaxElapsedIsReachedOnTheFrozenClock() {
    ManualClock clock = new ManualClock();
    RetrySettings settings =
        new RetrySettings(100, Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofSeconds(25));
    AtomicInteger calls = new AtomicInteger();
    Retrier retrier = new Retrier(settings, clock, new Random(1));
    assertThatThrownBy(
            () ->
                retrier.call(
                    "op",
                    IO,
                    () -> {
                      calls.incrementAndGet();
                      clock.advance(Duration.ofSeconds(10));
                      throw new IOException("slow failure");
                    }))
        .isInstanceOf(IOException.class);
    // Attempts end at t=10, 20, 30 s: the third ends past the 25 s bound, so no fourth starts.
    assertThat(calls).hasValue(3);
  }

  @Test
  void nonRetryableFailureIsNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    Retrier retrier = new Retrier(RetrySettings.defaults(), new ManualClock(), new Random(1));
    assertThatThrownBy(
            () ->
                retrier.call(
                    "op",
                    IO,
                    () -> {
                      calls.incrementAndGet();
                      throw new IllegalArgumentException("403 forbidden");
                    }))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(calls).hasValue(1);
  }

  @Test
  void succeedsAfterTransientFailures() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    RetrySettings settings =
        new RetrySettings(5, Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMinutes(1));
    String result =
        new Retrier(settings, new ManualClock(), new Random(1))
            .call(
                "op",
                IO,
                () -> {
                  if (calls.incrementAndGet() < 3) {
                    throw new IOException("connection reset");
                  }
                  return "ok";
                });
    assertThat(result).isEqualTo("ok");
    assertThat(calls).hasValue(3);
  }
}
