package dev.taskrunner.cleanup.rule;

import java.time.Duration;
import java.time.Instant;

/**
 * The age rule, evaluated against one {@code now} taken at the start of the run.
 *
 * <p>Strict (default): a file is old when {@code now - t > olderThan}, exact to the nanosecond,
 * with a day being 86,400 s: no time zone, no DST, no rounding. {@code 30d} deletes a file aged 30
 * d + 1 s and keeps one aged exactly 30 d.
 *
 * <p>Find-compatible: GNU find's {@code -mtime +N} floors the age to whole 24-hour periods and
 * selects {@code floor(age / 24 h) > N}, i.e. {@code age >= (N + 1) × 24 h}. So {@code 30d
 * --find-compat} keeps 30 d + 1 s and 31 d − 1 s, and deletes 31 d: one day later than strict.
 *
 * @param olderThan the age a file must exceed ({@code --older-than}, default 30d)
 * @param findCompat use find's whole-day rounding ({@code --find-compat}, default false); requires
 *     a whole number of days
 * @param now the instant of the run's start; every entry is judged against it
 */
public record AgeRule(Duration olderThan, boolean findCompat, Instant now) {
  private static final Duration DAY = Duration.ofSeconds(86_400);

  public AgeRule {
    if (olderThan.isNegative()) {
      throw new IllegalArgumentException("must not be negative");
    }
    if (findCompat && olderThan.toNanos() % DAY.toNanos() != 0) {
      throw new IllegalArgumentException(
          "--find-compat needs a whole number of days (like find -mtime +N), got " + olderThan);
    }
  }

  /** Judges one timestamp. */
  public Age judge(Instant t) {
    if (t.isAfter(now)) {
      return Age.FUTURE;
    }
    Duration age = Duration.between(t, now);
    boolean old =
        findCompat ? age.compareTo(olderThan.plus(DAY)) >= 0 : age.compareTo(olderThan) > 0;
    return old ? Age.OLD : Age.YOUNG;
  }
}
