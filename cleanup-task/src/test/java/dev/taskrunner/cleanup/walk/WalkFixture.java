package dev.taskrunner.cleanup.walk;

import dev.taskrunner.cleanup.fs.LockTable;
import dev.taskrunner.cleanup.report.CleanupStats;
import dev.taskrunner.cleanup.root.PinnedRoot;
import dev.taskrunner.cleanup.root.RootGuard;
import dev.taskrunner.cleanup.rule.AgeRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Builds real trees with chosen timestamps and runs one walker pass over them. */
final class WalkFixture {
  static final Instant NOW = Instant.now();
  static final FileTime OLD = FileTime.from(NOW.minus(Duration.ofDays(40)));
  static final FileTime YOUNG = FileTime.from(NOW.minus(Duration.ofDays(1)));

  private WalkFixture() {}

  static AgeRule rule30d() {
    return new AgeRule(Duration.ofDays(30), false, NOW);
  }

  static WalkSettings defaults() {
    return WalkSettings.defaults(rule30d());
  }

  static Path file(Path path, FileTime mtime) {
    return file(path, mtime, 10);
  }

  static Path file(Path path, FileTime mtime, int bytes) {
    try {
      Files.createDirectories(path.getParent());
      Files.write(path, new byte[bytes]);
      Files.setLastModifiedTime(path, mtime);
      return path;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One pass; returns its counters. */
  static CleanupStats walk(WalkSettings settings, WalkSeams seams, Path... roots) {
    CleanupStats stats = new CleanupStats();
    List<PinnedRoot> pinned = new ArrayList<>();
    for (Path r : roots) {
      pinned.add(RootGuard.pin(r.toString(), false));
    }
    try {
      new SecureTreeWalker(settings, stats, seams, CandidateListener.NONE, LockTable.system())
          .walk(pinned);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    } finally {
      pinned.forEach(PinnedRoot::close);
    }
    return stats;
  }

  /** name -> "inode mtime ctime" of every entry (links not followed). */
  static Map<String, String> snapshot(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Map<String, Object> a =
            Files.readAttributes(
                p, "unix:ino,ctime,lastModifiedTime,mode", LinkOption.NOFOLLOW_LINKS);
        out.put(dir.relativize(p).toString(), a.toString());
      }
    }
    return out;
  }

  static boolean isDirectory(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
          .isDirectory();
    } catch (IOException e) {
      return false;
    }
  }

  /** Runs a helper program (test side only: the task itself never spawns processes). */
  static void sh(String script) {
    try {
      Process p = new ProcessBuilder("/bin/sh", "-c", script).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError("helper failed: " + script + "\n" + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
