package dev.taskrunner.cleanup.rule;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/**
 * Include and exclude globs ({@code --include}, {@code --exclude}). A glob without {@code /}
 * matches the entry's name anywhere in the tree (like {@code find -name}); a glob with {@code /}
 * matches the path relative to the root ({@code **} crosses directories). Exclude always wins; with
 * no include glob every file is included. An excluded directory is not entered at all, so {@code
 * --exclude 'keep'} protects everything under any directory named {@code keep}.
 *
 * <p>Globs see the name decoded in the JVM's file name encoding; bytes that do not decode appear as
 * U+FFFD (documented limit).
 */
public final class PathFilter {
  private record Glob(PathMatcher matcher, boolean nameOnly) {
    boolean matches(Path relative) {
      Path subject = nameOnly ? relative.getFileName() : relative;
      return subject != null && matcher.matches(subject);
    }
  }

  private final List<Glob> includes;
  private final List<Glob> excludes;

  public PathFilter(List<String> includes, List<String> excludes) {
    this.includes = includes.stream().map(PathFilter::compile).toList();
    this.excludes = excludes.stream().map(PathFilter::compile).toList();
  }

  public static PathFilter all() {
    return new PathFilter(List.of(), List.of());
  }

  /** True when no glob is configured, so callers can skip building relative paths. */
  public boolean isEmpty() {
    return includes.isEmpty() && excludes.isEmpty();
  }

  public boolean excluded(Path relative) {
    for (Glob g : excludes) {
      if (g.matches(relative)) {
        return true;
      }
    }
    return false;
  }

  /** A file is selected when not excluded and (no includes, or some include matches). */
  public boolean selects(Path relative) {
    if (excluded(relative)) {
      return false;
    }
    if (includes.isEmpty()) {
      return true;
    }
    for (Glob g : includes) {
      if (g.matches(relative)) {
        return true;
      }
    }
    return false;
  }

  private static Glob compile(String glob) {
    if (glob.isBlank()) {
      throw new IllegalArgumentException("empty glob");
    }
    try {
      return new Glob(FileSystems.getDefault().getPathMatcher("glob:" + glob), !glob.contains("/"));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("invalid glob '" + glob + "': " + e.getMessage());
    }
  }
}
