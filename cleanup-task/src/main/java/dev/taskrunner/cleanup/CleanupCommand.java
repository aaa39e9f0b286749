package dev.taskrunner.cleanup;

import dev.taskrunner.cleanup.fs.EntryName;
import dev.taskrunner.cleanup.fs.LockTable;
import dev.taskrunner.cleanup.report.CleanupStats;
import dev.taskrunner.cleanup.root.PinnedRoot;
import dev.taskrunner.cleanup.root.RootGuard;
import dev.taskrunner.cleanup.rule.AgeBy;
import dev.taskrunner.cleanup.rule.AgeRule;
import dev.taskrunner.cleanup.rule.PathFilter;
import dev.taskrunner.cleanup.rule.SymlinkPolicy;
import dev.taskrunner.cleanup.walk.CandidateListener;
import dev.taskrunner.cleanup.walk.SecureTreeWalker;
import dev.taskrunner.cleanup.walk.WalkSeams;
import dev.taskrunner.cleanup.walk.WalkSettings;
import dev.taskrunner.common.ExitCode;
import dev.taskrunner.common.RunContext;
import dev.taskrunner.common.TaskCommand;
import dev.taskrunner.common.TaskFailure;
import dev.taskrunner.common.TaskVersion;
import dev.taskrunner.common.config.ConfigurationException;
import dev.taskrunner.common.config.DataSize;
import dev.taskrunner.common.logging.Events;
import dev.taskrunner.common.logging.ProgressReporter;
import dev.taskrunner.common.shutdown.ShutdownCoordinator;
import io.micrometer.core.instrument.Gauge;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Deletes files older than a rule under one or more roots, race-free and contained. */
@Command(
    name = "cleanup-task",
    mixinStandardHelpOptions = true,
    versionProvider = TaskVersion.class,
    sortOptions = false,
    description = "Deletes files older than a rule, race-free and contained in its roots.")
public final class CleanupCommand implements TaskCommand {
  private static final Logger LOG = LoggerFactory.getLogger(CleanupCommand.class);

  @Option(
      names = "--root",
      required = true,
      split = ",",
      paramLabel = "DIR",
      description = "Absolute directory to clean (repeatable; env: comma-separated).")
  List<String> roots;

  @Option(
      names = "--older-than",
      paramLabel = "DURATION",
      defaultValue = "30d",
      description =
          "Delete entries whose age exceeds this (strict: now - t > d). Default: ${DEFAULT-VALUE}.")
  Duration olderThan;

  @Option(
      names = "--find-compat",
      defaultValue = "false",
      description =
          "find -mtime +N rounding: age floored to whole days must exceed N (= at least N+1 days).")
  boolean findCompat;

  @Option(
      names = "--age-by",
      defaultValue = "mtime",
      paramLabel = "mtime|ctime|max",
      description = "Timestamp that decides age. Default: ${DEFAULT-VALUE}.")
  AgeBy ageBy;

  @Option(
      names = "--include",
      split = ",",
      paramLabel = "GLOB",
      description = "Only files matching a glob (name, or relative path if it has a /).")
  List<String> includes = new ArrayList<>();

  @Option(
      names = "--exclude",
      split = ",",
      paramLabel = "GLOB",
      description = "Never files or directories matching a glob; wins over --include.")
  List<String> excludes = new ArrayList<>();

  @Option(
      names = "--symlinks",
      defaultValue = "ignore",
      paramLabel = "ignore|delete-if-old",
      converter = SymlinkPolicyConverter.class,
      description =
          "Symbolic links are never followed; delete-if-old removes old link entries. Default: ${DEFAULT-VALUE}.")
  SymlinkPolicy symlinks;

  @Option(
      names = "--remove-empty-dirs",
      defaultValue = "false",
      description = "Remove directories that are empty after the pass and older than the rule.")
  boolean removeEmptyDirs;

  @Option(
      names = "--max-depth",
      paramLabel = "N",
      description =
          "Consider entries at most N levels below a root (1 = direct entries). Default: unlimited.")
  Integer maxDepth;

  @Option(
      names = "--cross-mounts",
      defaultValue = "false",
      description =
          "Enter directories on other file systems. Default: mount points are not crossed.")
  boolean crossMounts;

  @Option(
      names = "--keep-newest",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Keep the N newest selected files of every directory whatever their age. Default: ${DEFAULT-VALUE} (off).")
  int keepNewest;

  @Option(
      names = "--max-total-size",
      paramLabel = "SIZE",
      description =
          "After the age pass, delete oldest-first until the selected files allocate at most SIZE.")
  DataSize maxTotalSize;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Directories processed in parallel. Default: 2 x CPUs, at least 2, at most 8.")
  Integer threads;

  @Option(
      names = "--open-handles",
      paramLabel = "N",
      defaultValue = "64",
      description =
          "Cached open directory handles (2 descriptors each). Default: ${DEFAULT-VALUE}.")
  int openHandles;

  @Option(
      names = "--dry-run",
      defaultValue = "false",
      description = "Report what would be deleted; change nothing.")
  boolean dryRun;

  @Option(
      names = "--report-limit",
      paramLabel = "N",
      defaultValue = "1000",
      description =
          "Candidate events logged in a dry run (then only the summary). Default: ${DEFAULT-VALUE}.")
  long reportLimit;

  @Option(
      names = "--max-delete",
      paramLabel = "N",
      description =
          "Abort before deleting anything (exit 2) if the plan selects more than N entries.")
  Long maxDelete;

  @Option(
      names = "--max-delete-fraction",
      paramLabel = "F",
      description =
          "Abort before deleting anything (exit 2) if the plan selects more than F (0..1) of the files.")
  Double maxDeleteFraction;

  @Option(
      names = "--allow-dangerous-root",
      defaultValue = "false",
      description =
          "Allow roots under /proc, /sys, /dev, /etc, /usr, /bin, /sbin, /lib, /lib64, /boot.")
  boolean allowDangerousRoot;

  /** Seams for tests that drive the command in-process; production: none. */
  WalkSeams seams = WalkSeams.NONE;

  /**
   * The run's counters. A field, not a local: the metrics read them weakly and are pushed after
   * {@link #run} returned, so they must stay reachable as long as the command.
   */
  private CleanupStats stats;

  @Override
  public ExitCode run(RunContext ctx) throws Exception {
    Instant now = ctx.clock().instant();
    WalkSettings settings = settings(now);
    requireRoots();
    List<PinnedRoot> pinned = pinRoots();
    try {
      return clean(ctx, settings, pinned);
    } finally {
      pinned.forEach(PinnedRoot::close);
    }
  }

  /**
   * The image build's AOT training run: parses and validates everything (roots by syntax only),
   * builds the walker, its counters and metrics, and judges a timestamp, so those classes land in
   * the cache. It opens, stats and lists nothing under a root, reads no lock table, and pushes
   * nothing (the launcher skips the push in training).
   */
  @Override
  public void train(RunContext ctx) throws Exception {
    WalkSettings settings = settings(ctx.clock().instant());
    requireRoots();
    for (String root : roots) {
      RootGuard.checkSyntax(root, allowDangerousRoot);
    }
    stats = new CleanupStats();
    stats.bind(ctx.meters());
    new SecureTreeWalker(
        settings,
        stats,
        WalkSeams.NONE,
        new CandidateReport(true, 0),
        new LockTable(Path.of("/proc/locks"), Long.MAX_VALUE));
    settings.rule().judge(ctx.clock().instant());
    EntryName.display("training\nrun");
    stats.tally().logSummary(LOG, "cleanup.errors");
  }

  private ExitCode clean(RunContext ctx, WalkSettings settings, List<PinnedRoot> pinned)
      throws InterruptedException {
    LockTable locks = LockTable.system();
    if (maxDelete != null || maxDeleteFraction != null) {
      brake(settings, pinned, locks);
    }
    stats = new CleanupStats();
    stats.bind(ctx.meters());
    AtomicLong elapsedNanos = new AtomicLong();
    Gauge.builder("taskrunner.cleanup.duration.seconds", elapsedNanos, n -> n.get() / 1e9)
        .description("Wall time of the cleanup passes")
        .strongReference(true)
        .register(ctx.meters());
    CandidateReport report = new CandidateReport(settings.dryRun(), reportLimit);
    SecureTreeWalker walker = new SecureTreeWalker(settings, stats, seams, report, locks);
    // On SIGTERM the launcher interrupts this thread and runs the stop action; the action waits
    // (within the grace time) until the summary of what was done is logged, because the launcher
    // pushes the metrics and exits as soon as the actions are done.
    CountDownLatch summarised = new CountDownLatch(1);
    boolean interrupted = false;
    long start = System.nanoTime();
    try (ShutdownCoordinator.Registration stop =
        ctx.shutdown()
            .register("cleanup.stop-walk", () -> stopAndAwaitSummary(walker, summarised))) {
      try (ProgressReporter scanned =
              ctx.progress("cleanup.scan", "entries", stats.scanned::sum, () -> -1);
          ProgressReporter deleted =
              ctx.progress("cleanup.delete", "entries", stats.deleted::sum, () -> -1)) {
        walker.walk(pinned);
        if (maxTotalSize != null && !walker.stopped()) {
          walker.enforceBudget(pinned, maxTotalSize.bytes());
        }
      } catch (InterruptedException e) {
        // The walk ended after the entries in hand (the walker waited for its workers).
        interrupted = true;
      } finally {
        elapsedNanos.set(System.nanoTime() - start);
      }
      summarise(settings, pinned, locks, walker.stopped(), elapsedNanos.get());
    } finally {
      summarised.countDown();
    }
    if (interrupted) {
      throw new InterruptedException("cleanup stopped");
    }
    return stats.failingErrors() > 0 ? ExitCode.PARTIAL : ExitCode.SUCCESS;
  }

  private static void stopAndAwaitSummary(SecureTreeWalker walker, CountDownLatch summarised) {
    walker.stop();
    try {
      summarised.await();
    } catch (InterruptedException e) {
      // The grace time ran out: the launcher finishes without the summary.
      Thread.currentThread().interrupt();
    }
  }

  private void summarise(
      WalkSettings settings,
      List<PinnedRoot> pinned,
      LockTable locks,
      boolean stopped,
      long elapsedNanos) {
    if (locks.unreadable()) {
      LOG.warn("/proc/locks could not be read: locked files were not recognised");
    }
    stats.tally().logSummary(LOG, "cleanup.errors");
    Events.event("cleanup.summary")
        .with("roots", pinned.stream().map(r -> r.path().toString()).toList())
        .with("dry_run", settings.dryRun())
        .with("stopped", stopped)
        .with("scanned", stats.scanned.sum())
        .with("selected", stats.selected.sum())
        .with("deleted", stats.deleted.sum())
        .with("bytes_freed", stats.bytesFreed.sum())
        .with("dirs_removed", stats.dirsRemoved.sum())
        .with("errors", stats.failingErrors())
        .with("errors_by_reason", stats.errorsByReason())
        .with("skipped_by_reason", stats.skippedByReason())
        .with("duration_ms", elapsedNanos / 1_000_000)
        .info(
            LOG,
            "{}{} {} of {} entries scanned, {} errors",
            stopped ? "stopped: " : "",
            settings.dryRun() ? "would delete" : "deleted",
            settings.dryRun() ? stats.selected.sum() : stats.deleted.sum(),
            stats.scanned.sum(),
            stats.failingErrors());
  }

  /** A full dry pass first: the numbers decide whether the real pass may start. */
  private void brake(WalkSettings settings, List<PinnedRoot> pinned, LockTable locks)
      throws InterruptedException {
    CleanupStats plan = new CleanupStats();
    new SecureTreeWalker(settings.withDryRun(true), plan, seams, CandidateListener.NONE, locks)
        .walk(pinned);
    long selected = plan.selected.sum();
    long files = Math.max(1, plan.scannedFiles.sum());
    double fraction = (double) selected / files;
    Events.event("cleanup.plan")
        .with("selected", selected)
        .with("files", plan.scannedFiles.sum())
        .with("fraction", fraction)
        .info(LOG, "plan: {} of {} files selected", selected, plan.scannedFiles.sum());
    if (maxDelete != null && selected > maxDelete) {
      throw TaskFailure.usage(
          "max_delete_exceeded",
          "plan selects "
              + selected
              + " entries, more than --max-delete "
              + maxDelete
              + "; nothing deleted");
    }
    if (maxDeleteFraction != null && fraction > maxDeleteFraction) {
      throw TaskFailure.usage(
          "max_delete_fraction_exceeded",
          String.format(
              java.util.Locale.ROOT,
              "plan selects %d of %d files (%.4f), more than --max-delete-fraction %s; nothing deleted",
              selected,
              plan.scannedFiles.sum(),
              fraction,
              maxDeleteFraction));
    }
  }

  WalkSettings settings(Instant now) {
    AgeRule rule;
    try {
      rule = new AgeRule(olderThan, findCompat, now);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("--older-than", e.getMessage());
    }
    PathFilter filter;
    try {
      filter = new PathFilter(includes, excludes);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("--include/--exclude", e.getMessage());
    }
    if (maxDepth != null && maxDepth < 1) {
      throw new ConfigurationException("--max-depth", "must be at least 1, got " + maxDepth);
    }
    if (keepNewest < 0) {
      throw new ConfigurationException("--keep-newest", "must not be negative");
    }
    if (maxDelete != null && maxDelete < 0) {
      throw new ConfigurationException("--max-delete", "must not be negative");
    }
    if (maxDeleteFraction != null && !(maxDeleteFraction >= 0 && maxDeleteFraction <= 1)) {
      throw new ConfigurationException("--max-delete-fraction", "must be between 0 and 1");
    }
    if (reportLimit < 0) {
      throw new ConfigurationException("--report-limit", "must not be negative");
    }
    int workers =
        threads != null
            ? threads
            : Math.min(8, Math.max(2, 2 * Runtime.getRuntime().availableProcessors()));
    if (workers < 1 || workers > 256) {
      throw new ConfigurationException("--threads", "must be between 1 and 256, got " + workers);
    }
    if (openHandles < 2 * workers + 2) {
      throw new ConfigurationException(
          "--open-handles", "must be at least 2 x threads + 2 = " + (2 * workers + 2));
    }
    return new WalkSettings(
        rule,
        ageBy,
        filter,
        symlinks,
        removeEmptyDirs,
        maxDepth == null ? Integer.MAX_VALUE : maxDepth,
        crossMounts,
        keepNewest,
        dryRun,
        workers,
        openHandles);
  }

  /**
   * A value like {@code CLEANUP_ROOT=","} splits into no root at all; running would clean nothing
   * and report success, hiding the broken configuration.
   */
  private void requireRoots() {
    if (roots == null || roots.stream().allMatch(String::isBlank)) {
      throw new ConfigurationException("--root (env CLEANUP_ROOT)", "no root given");
    }
  }

  private List<PinnedRoot> pinRoots() {
    List<PinnedRoot> pinned = new ArrayList<>();
    try {
      for (String root : roots) {
        pinned.add(RootGuard.pin(root, allowDangerousRoot));
      }
      for (PinnedRoot a : pinned) {
        for (PinnedRoot b : pinned) {
          if (a != b && a.path().startsWith(b.path())) {
            throw TaskFailure.usage(
                "overlapping_roots",
                "root '"
                    + EntryName.display(a.path())
                    + "' lies inside root '"
                    + EntryName.display(b.path())
                    + "'");
          }
        }
      }
      return pinned;
    } catch (RuntimeException e) {
      pinned.forEach(PinnedRoot::close);
      throw e;
    }
  }

  /** Logs one event per dry-run candidate, up to the limit; a real run logs only the summary. */
  private static final class CandidateReport implements CandidateListener {
    private final boolean dryRun;
    private final long limit;
    private final AtomicLong reported = new AtomicLong();

    CandidateReport(boolean dryRun, long limit) {
      this.dryRun = dryRun;
      this.limit = limit;
    }

    @Override
    public void candidate(
        Path root,
        Path relative,
        String kind,
        long bytes,
        java.nio.file.attribute.FileTime time,
        boolean deleted) {
      if (dryRun) {
        long n = reported.incrementAndGet();
        if (n > limit) {
          return;
        }
        Events.event("cleanup.candidate")
            .with("root", root.toString())
            .with("path", EntryName.display(relative))
            .with("kind", kind)
            .with("bytes", bytes)
            .with("time", time.toString())
            .info(LOG, "would delete {}", EntryName.display(root.resolve(relative)));
        if (n == limit) {
          LOG.info("dry-run report limit {} reached; further candidates only counted", limit);
        }
      }
    }
  }
}
