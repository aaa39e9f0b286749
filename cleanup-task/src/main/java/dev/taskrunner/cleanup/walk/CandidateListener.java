package dev.taskrunner.cleanup.walk;

import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

/** Told about every entry a pass deletes (or, in dry-run, would delete). Called from workers. */
@FunctionalInterface
public interface CandidateListener {
  CandidateListener NONE = (root, relative, kind, bytes, time, deleted) -> {};

  /**
   * @param root the pinned root
   * @param relative path relative to the root (raw bytes)
   * @param kind {@code file}, {@code symlink} or {@code dir}
   * @param bytes allocated bytes
   * @param time the timestamp that decided
   * @param deleted false in dry-run
   */
  void candidate(Path root, Path relative, String kind, long bytes, FileTime time, boolean deleted);
}
