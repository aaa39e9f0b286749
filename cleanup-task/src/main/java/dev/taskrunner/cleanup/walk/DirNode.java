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
  private static final Path EMPTY = Path.of("");

  final PinnedRoot root;
  final DirNode parent;
  final Path name;
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
      Object fileKey,
      long dev,
      int depth,
      FileTime mtime) {
    this.root = root;
    this.parent = parent;
    this.name = name;
    this.fileKey = fileKey;
    this.dev = dev;
    this.depth = depth;
    this.mtime = mtime;
  }

  static DirNode root(PinnedRoot root) {
    DirNode node = new DirNode(root, null, null, root.fileKey(), root.identity().dev(), 0, null);
    node.handle = root.handle();
    node.pins = 1; // never evicted: the pinned root is the anchor of every re-open
    return node;
  }

  /**
   * Path relative to the root, built from the parent chain on demand: storing it per node would
   * cost O(depth²) memory on a 20,000-level chain.
   */
  Path relative() {
    java.util.ArrayList<Path> names = new java.util.ArrayList<>();
    for (DirNode n = this; n.parent != null; n = n.parent) {
      names.add(n.name);
    }
    java.util.Collections.reverse(names);
    // Pairwise joins copy each byte O(log depth) times; a left fold would copy O(depth) times.
    while (names.size() > 1) {
      java.util.ArrayList<Path> joined = new java.util.ArrayList<>((names.size() + 1) / 2);
      for (int i = 0; i < names.size(); i += 2) {
        joined.add(i + 1 < names.size() ? names.get(i).resolve(names.get(i + 1)) : names.get(i));
      }
      names = joined;
    }
    return names.isEmpty() ? EMPTY : names.get(0);
  }

  /** Relative path of an entry of this directory. */
  Path relative(Path entry) {
    return parent == null ? entry : relative().resolve(entry);
  }

  Path display() {
    return parent == null ? root.path() : root.path().resolve(relative());
  }
}
