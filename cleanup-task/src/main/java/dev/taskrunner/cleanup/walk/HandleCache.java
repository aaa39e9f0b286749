package dev.taskrunner.cleanup.walk;

import java.io.IOException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashSet;

/**
 * Open directory handles, bounded. A handle in use is pinned; an unpinned one stays cached (most
 * recently used last) until the bound is exceeded, then the least recently used is closed. When a
 * closed directory is needed again, it is re-opened from its nearest open ancestor, one component
 * at a time with {@code openat(O_NOFOLLOW)}, and each re-opened handle's identity (device, inode)
 * must equal what was examined, so an ancestor renamed or swapped for a link meanwhile fails
 * instead of redirecting the walk. This is what keeps a 20,000-level chain within a few dozen
 * descriptors.
 */
final class HandleCache {
  private final int budget;
  private final LinkedHashSet<DirNode> idle = new LinkedHashSet<>();
  private int open;

  HandleCache(int budget) {
    this.budget = budget;
  }

  /** Pins the directory's handle, (re-)opening it from its ancestors if needed. */
  synchronized SecureDirectoryStream<Path> acquire(DirNode node) throws IOException {
    if (node.handle == null) {
      Deque<DirNode> chain = new ArrayDeque<>();
      for (DirNode n = node; n.handle == null; n = n.parent) {
        chain.push(n);
      }
      DirNode top = chain.peek().parent;
      pin(top);
      DirNode held = top;
      try {
        while (!chain.isEmpty()) {
          DirNode n = chain.pop();
          n.handle = openChild(held.handle, n);
          open++;
          pin(n);
          unpin(held);
          held = n;
        }
      } catch (IOException e) {
        unpin(held);
        throw e;
      }
      // held == node, pinned once.
      evict();
      return node.handle;
    }
    pin(node);
    return node.handle;
  }

  /** Unpins; the handle stays cached unless the directory is finished. */
  synchronized void release(DirNode node) {
    unpin(node);
    evict();
  }

  /** The directory is done: close its handle as soon as nobody uses it. */
  synchronized void finish(DirNode node) {
    node.finished = true;
    if (node.pins == 0 && node.handle != null) {
      idle.remove(node);
      close(node);
    }
  }

  synchronized int openHandles() {
    return open;
  }

  /** Opens the child relative to the parent's handle without following links, checks identity. */
  static SecureDirectoryStream<Path> openChild(SecureDirectoryStream<Path> parent, DirNode child)
      throws IOException {
    SecureDirectoryStream<Path> h =
        parent.newDirectoryStream(child.name, LinkOption.NOFOLLOW_LINKS);
    Object key;
    try {
      key = h.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
    } catch (IOException e) {
      h.close();
      throw e;
    }
    if (!key.equals(child.fileKey)) {
      h.close();
      throw new IdentityChangedException(child.name.toString());
    }
    return h;
  }

  private void pin(DirNode node) {
    if (node.pins++ == 0) {
      idle.remove(node);
    }
  }

  private void unpin(DirNode node) {
    if (--node.pins == 0) {
      if (node.finished) {
        close(node);
      } else {
        idle.add(node);
      }
    }
  }

  private void evict() {
    Iterator<DirNode> it = idle.iterator();
    while (open > budget && it.hasNext()) {
      DirNode eldest = it.next();
      it.remove();
      close(eldest);
    }
  }

  private void close(DirNode node) {
    if (node.handle == null || node.parent == null) {
      return; // roots are closed by their owner
    }
    try {
      node.handle.close();
    } catch (IOException ignored) {
      // read-only handle
    }
    node.handle = null;
    open--;
  }
}
