package dev.taskrunner.common.logging;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Counts per-item errors by reason and keeps the first few examples of each, so a run with a
 * million unreadable files logs a summary instead of a million lines. Thread-safe.
 */
public final class ErrorTally {
  private final int examplesPerReason;
  private final Map<String, AtomicLong> counts = new TreeMap<>();
  private final Map<String, List<String>> examples = new TreeMap<>();

  public ErrorTally(int examplesPerReason) {
    this.examplesPerReason = examplesPerReason;
  }

  /**
   * Records one error.
   *
   * @return true for the first {@code examplesPerReason} errors of this reason, so the caller may
   *     log those individually and stay quiet afterwards
   */
  public synchronized boolean record(String reason, String example) {
    long n = counts.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    if (n <= examplesPerReason) {
      examples.computeIfAbsent(reason, r -> new ArrayList<>()).add(example);
      return true;
    }
    return false;
  }

  public synchronized long total() {
    return counts.values().stream().mapToLong(AtomicLong::get).sum();
  }

  public synchronized Map<String, Long> counts() {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  public synchronized Map<String, List<String>> examples() {
    Map<String, List<String>> out = new TreeMap<>();
    examples.forEach((k, v) -> out.put(k, List.copyOf(v)));
    return out;
  }

  /** Logs one {@code <event>} line per reason with its count and first examples. */
  public void logSummary(Logger logger, String event) {
    counts()
        .forEach(
            (reason, count) ->
                Events.event(event)
                    .with("reason", reason)
                    .with("count", count)
                    .with("examples", examples().getOrDefault(reason, List.of()))
                    .warn(logger, "{} error(s) of kind {}", count, reason));
  }
}
