package dev.taskrunner.cleanup.walk;

import dev.taskrunner.cleanup.rule.AgeBy;
import dev.taskrunner.cleanup.rule.AgeRule;
import dev.taskrunner.cleanup.rule.PathFilter;
import dev.taskrunner.cleanup.rule.SymlinkPolicy;

/**
 * What one pass of {@link SecureTreeWalker} does.
 *
 * @param rule the age rule with the run's "now" ({@code --older-than}, {@code --find-compat})
 * @param ageBy timestamp that decides age ({@code --age-by}, default mtime)
 * @param filter include/exclude globs ({@code --include}, {@code --exclude}; default all files)
 * @param symlinks symbolic link policy ({@code --symlinks}, default ignore)
 * @param removeEmptyDirs remove directories empty after the pass and older than the rule ({@code
 *     --remove-empty-dirs}, default false); roots are never removed
 * @param maxDepth deepest entry level considered, 1 = entries directly in the root ({@code
 *     --max-depth}, default unlimited = {@link Integer#MAX_VALUE})
 * @param crossMounts enter directories on another file system ({@code --cross-mounts}, default
 *     false)
 * @param keepNewest keep the N newest selected files of each directory whatever their age ({@code
 *     --keep-newest}, default 0 = off)
 * @param dryRun report instead of deleting ({@code --dry-run}, default false)
 * @param threads directories processed in parallel ({@code --threads})
 * @param openHandles bound on cached open directory handles, 2 fds each ({@code --open-handles},
 *     default 64); deeper ancestors are closed and re-opened race-free when needed
 */
public record WalkSettings(
    AgeRule rule,
    AgeBy ageBy,
    PathFilter filter,
    SymlinkPolicy symlinks,
    boolean removeEmptyDirs,
    int maxDepth,
    boolean crossMounts,
    int keepNewest,
    boolean dryRun,
    int threads,
    int openHandles) {

  public WalkSettings {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1");
    }
    if (openHandles < threads * 2 + 2) {
      throw new IllegalArgumentException("open handles must be at least 2 x threads + 2");
    }
    if (maxDepth < 1) {
      throw new IllegalArgumentException("max depth must be at least 1");
    }
  }

  /** Defaults of the command line for a rule: used by tests and the training run. */
  public static WalkSettings defaults(AgeRule rule) {
    return new WalkSettings(
        rule,
        AgeBy.MTIME,
        PathFilter.all(),
        SymlinkPolicy.IGNORE,
        false,
        Integer.MAX_VALUE,
        false,
        0,
        false,
        2,
        64);
  }

  public WalkSettings withDryRun(boolean value) {
    return new WalkSettings(
        rule,
        ageBy,
        filter,
        symlinks,
        removeEmptyDirs,
        maxDepth,
        crossMounts,
        keepNewest,
        value,
        threads,
        openHandles);
  }

  public WalkSettings withThreads(int value) {
    return new WalkSettings(
        rule,
        ageBy,
        filter,
        symlinks,
        removeEmptyDirs,
        maxDepth,
        crossMounts,
        keepNewest,
        dryRun,
        value,
        openHandles);
  }
}
