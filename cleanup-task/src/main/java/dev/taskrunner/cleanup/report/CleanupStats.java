package dev.taskrunner.cleanup.report;

import dev.taskrunner.common.logging.ErrorTally;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one pass, safe to update from every walker thread. Metrics are bound to the counters
 * at start ({@link #bind}), so a run stopped by SIGTERM still pushes what it did.
 */
public final class CleanupStats {
  public final LongAdder scanned = new LongAdder();
  public final LongAdder scannedFiles = new LongAdder();
  public final LongAdder selected = new LongAdder();
  public final LongAdder deleted = new LongAdder();
  public final LongAdder bytesFreed = new LongAdder();
  public final LongAdder dirsRemoved = new LongAdder();
  private final Map<SkipReason, LongAdder> skipped = new EnumMap<>(SkipReason.class);
  private final Map<ErrorReason, LongAdder> errors = new EnumMap<>(ErrorReason.class);
  private final ErrorTally tally = new ErrorTally(5);

  public CleanupStats() {
    for (SkipReason r : SkipReason.values()) {
      skipped.put(r, new LongAdder());
    }
    for (ErrorReason r : ErrorReason.values()) {
      errors.put(r, new LongAdder());
    }
  }

  public void skip(SkipReason reason) {
    skipped.get(reason).increment();
  }

  /**
   * Counts an error and keeps the first examples per reason.
   *
   * @return true for the first few errors of this reason, which the caller may log individually
   */
  public boolean error(ErrorReason reason, String displayPath) {
    errors.get(reason).increment();
    return tally.record(reason.label(), displayPath);
  }

  public long skipped(SkipReason reason) {
    return skipped.get(reason).sum();
  }

  public long errors(ErrorReason reason) {
    return errors.get(reason).sum();
  }

  /** Errors that make the run partial (all but {@code vanished}). */
  public long failingErrors() {
    long n = 0;
    for (ErrorReason r : ErrorReason.values()) {
      if (r.failsRun()) {
        n += errors(r);
      }
    }
    return n;
  }

  public ErrorTally tally() {
    return tally;
  }

  public Map<String, Long> skippedByReason() {
    Map<String, Long> out = new LinkedHashMap<>();
    skipped.forEach((r, v) -> out.put(r.label(), v.sum()));
    return out;
  }

  public Map<String, Long> errorsByReason() {
    Map<String, Long> out = new LinkedHashMap<>();
    errors.forEach((r, v) -> out.put(r.label(), v.sum()));
    return out;
  }

  /**
   * Registers the {@code taskrunner_cleanup_*} metrics on these counters. Every reason is
   * registered up front so alerts see a 0 series rather than a missing one. Function counters hold
   * their source weakly: the caller must keep this object reachable until the push, or a GC in
   * between makes every counter report 0 (found by CleanupTaskIT).
   */
  public void bind(MeterRegistry registry) {
    counter(registry, "taskrunner.cleanup.files.scanned", scanned, "Entries examined");
    counter(registry, "taskrunner.cleanup.files.selected", selected, "Entries the rule selected");
    counter(registry, "taskrunner.cleanup.files.deleted", deleted, "Entries unlinked");
    counter(
        registry,
        "taskrunner.cleanup.bytes.freed",
        bytesFreed,
        "Allocated bytes of unlinked entries (size rounded up to 4 KiB blocks)");
    counter(registry, "taskrunner.cleanup.dirs.removed", dirsRemoved, "Empty directories removed");
    skipped.forEach(
        (r, v) ->
            FunctionCounter.builder("taskrunner.cleanup.skipped", v, LongAdder::doubleValue)
                .description("Entries kept, by reason")
                .tag("reason", r.label())
                .register(registry));
    errors.forEach(
        (r, v) ->
            FunctionCounter.builder("taskrunner.cleanup.errors", v, LongAdder::doubleValue)
                .description("Per-entry errors, by reason")
                .tag("reason", r.label())
                .register(registry));
  }

  private static void counter(MeterRegistry registry, String name, LongAdder v, String help) {
    FunctionCounter.builder(name, v, LongAdder::doubleValue).description(help).register(registry);
  }
}
