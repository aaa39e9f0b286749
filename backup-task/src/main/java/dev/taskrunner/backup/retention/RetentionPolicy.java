package dev.taskrunner.backup.retention;

import java.time.Duration;
import java.util.Optional;

/**
 * Which old backups of a database to delete after a successful backup. A backup is kept when any
 * rule keeps it.
 *
 * @param keepLast {@code --keep-last}: keep the newest N; unset = no count rule
 * @param maxAge {@code --max-age} (e.g. {@code 30d}): keep those younger than this; unset = no age
 *     rule
 * @param keepMin {@code --keep-min}: never keep fewer than this many, whatever the other rules say;
 *     default 1, at least 1
 * @param dryRun {@code --dry-run}: log the plan, delete nothing; default false
 */
public record RetentionPolicy(
    Optional<Integer> keepLast, Optional<Duration> maxAge, int keepMin, boolean dryRun) {

  public RetentionPolicy {
    if (keepLast.isPresent() && keepLast.get() < 1) {
      throw new IllegalArgumentException("--keep-last must be at least 1");
    }
    if (maxAge.isPresent() && (maxAge.get().isZero() || maxAge.get().isNegative())) {
      throw new IllegalArgumentException("--max-age must be positive");
    }
    if (keepMin < 1) {
      throw new IllegalArgumentException("--keep-min must be at least 1");
    }
  }

  /** True when retention has anything to do. */
  public boolean enabled() {
    return keepLast.isPresent() || maxAge.isPresent();
  }
}
