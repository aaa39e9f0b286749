package dev.taskrunner.cleanup.walk;

import dev.taskrunner.cleanup.root.PinnedRoot;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One directory known to the walk: enough to re-open it race-free from its parent (name + the
 * identity seen when it was examined) and to finish it (remove when empty) once all its
 * subdirectories are done. Nodes live while queued work references them; handle state is guarded by
 * {@link HandleCache}.
 */
final class DirNode {
  final PinnedRoot root;
  final DirNode parent;
  final Path name;
  final Path relative;
  final Object fileKey;
  final long dev;
  final int depth;
  final FileTime mtime;

  /** Own listing + one per queued subdirectory; at zero the directory is finished. */
  final AtomicInteger pending = new AtomicInteger(1);

  /** True when the listing completed without error (a candidate for removal if empty). */
  volatile boolean listedCompletely;

  // Guarded by HandleCache's lock.
  SecureDirectoryStream<Path> handle;
  int pins;
  boolean finished;

  DirNode(
      PinnedRoot root,
      DirNode parent,
      Path name,
      Path relative,
      Object fileKey,
      long dev,
      int depth,
      FileTime mtime) {
    this.root = root;
    this.parent = parent;
    this.name = name;
    this.relative = relative;
    this.fileKey = fileKey;
    this.dev = dev;
    this.depth = depth;
    this.mtime = mtime;
  }

  static DirNode root(PinnedRoot root) {
    DirNode node =
        new DirNode(root, null, null, Path.of(""), root.fileKey(), root.identity().dev(), 0, null);
    node.handle = root.handle();
    node.pins = 1; // never evicted: the pinned root is the anchor of every re-open
    return node;
  }

  Path display() {
    return relative.toString().isEmpty() ? root.path() : root.path().resolve(relative);
  }
}
