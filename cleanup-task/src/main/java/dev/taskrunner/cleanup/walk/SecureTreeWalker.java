package dev.taskrunner.cleanup.walk;

import dev.taskrunner.cleanup.fs.EntryName;
import dev.taskrunner.cleanup.fs.FileIdentity;
import dev.taskrunner.cleanup.fs.LockTable;
import dev.taskrunner.cleanup.report.CleanupStats;
import dev.taskrunner.cleanup.report.ErrorReason;
import dev.taskrunner.cleanup.report.SkipReason;
import dev.taskrunner.cleanup.root.PinnedRoot;
import dev.taskrunner.cleanup.rule.Age;
import dev.taskrunner.cleanup.rule.AgeBy;
import dev.taskrunner.cleanup.rule.SymlinkPolicy;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks pinned roots and deletes what the rule selects, using only operations relative to open
 * directory handles ({@link SecureDirectoryStream}: {@code openat(O_NOFOLLOW)}, {@code
 * fstatat(AT_SYMLINK_NOFOLLOW)}, {@code unlinkat}). No path is resolved twice, so a directory
 * swapped for a symbolic link after it was examined is never entered, and nothing outside a root is
 * touched. The only mutations are {@code unlinkat} of selected entries (and {@code AT_REMOVEDIR} of
 * empty old directories when asked): no chmod, rename, utime, truncate, no subprocess.
 *
 * <p>Work is an explicit LIFO stack of directories shared by {@code threads} workers (never
 * recursion on the Java stack); each directory is listed streaming, by one worker. Open handles are
 * bounded by {@link HandleCache}. Per-entry errors are counted and the walk goes on.
 */
public final class SecureTreeWalker {
  private static final Logger LOG = LoggerFactory.getLogger(SecureTreeWalker.class);
  private static final Path DOT = Path.of(".");
  private static final long BLOCK = 4096;

  private final WalkSettings settings;
  private final CleanupStats results;
  // The counters the current pass writes: the run's, or scratch ones while the size-budget pass
  // re-lists the tree (its scans and skips were counted by the age pass already).
  private volatile CleanupStats stats;
  private final WalkSeams seams;
  private final CandidateListener listener;
  private final LockTable locks;
  private final HandleCache cache;

  private final Deque<DirNode> work = new ArrayDeque<>();
  private int active;
  private volatile boolean stopped;
  private volatile ConcurrentLinkedQueue<Held> collected;

  /**
   * A file seen by the size-budget pass; {@code deletable} is false for files that count towards
   * the size but are kept whatever happens (future-dated, one of the keep-newest).
   */
  private record Held(
      DirNode dir, Path name, Object fileKey, FileTime time, long bytes, boolean deletable) {}

  public SecureTreeWalker(
      WalkSettings settings,
      CleanupStats stats,
      WalkSeams seams,
      CandidateListener listener,
      LockTable locks) {
    this.settings = settings;
    this.results = stats;
    this.stats = stats;
    this.seams = seams;
    this.listener = listener;
    this.locks = locks;
    this.cache = new HandleCache(settings.openHandles());
  }

  /** Asks the workers to stop after the entry they are on (SIGTERM). */
  public void stop() {
    stopped = true;
    synchronized (work) {
      work.notifyAll();
    }
  }

  public boolean stopped() {
    return stopped;
  }

  /** Open directory handles right now (each holds two descriptors); for tests and diagnostics. */
  public int openHandles() {
    return cache.openHandles();
  }

  /** One age pass over the roots; returns when every worker is done. */
  public void walk(List<PinnedRoot> roots) throws InterruptedException {
    synchronized (work) {
      for (PinnedRoot root : roots) {
        work.push(DirNode.root(root));
      }
    }
    runWorkers();
  }

  /**
   * Deletes oldest-first until the selected files of all roots together allocate at most {@code
   * maxBytes} (an inode with several links in the trees counted once). Considers every selected
   * file, not only old ones; future-dated, locked and keep-newest files count towards the size but
   * are kept. Holds one small record per file in memory.
   */
  public void enforceBudget(List<PinnedRoot> roots, long maxBytes) throws InterruptedException {
    collected = new ConcurrentLinkedQueue<>();
    stats = new CleanupStats();
    try {
      walk(roots);
    } finally {
      stats = results;
    }
    List<Held> files = new ArrayList<>(collected);
    collected = null;
    Map<Object, Integer> links = new HashMap<>();
    long total = 0;
    for (Held h : files) {
      if (links.merge(h.fileKey(), 1, Integer::sum) == 1) {
        total += h.bytes();
      }
    }
    files.sort(Comparator.comparing(Held::time));
    LOG.info(
        "size budget: {} bytes allocated by {} files, budget {}", total, files.size(), maxBytes);
    for (Held h : files) {
      if (total <= maxBytes || stopped) {
        break;
      }
      if (h.deletable() && deleteForBudget(h)) {
        if (links.merge(h.fileKey(), -1, Integer::sum) == 0) {
          total -= h.bytes();
        }
      }
    }
  }

  private boolean deleteForBudget(Held h) {
    Path rel = h.dir().relative(h.name());
    stats.selected.increment();
    if (settings.dryRun()) {
      listener.candidate(h.dir().root.path(), rel, "file", h.bytes(), h.time(), false);
      return true;
    }
    SecureDirectoryStream<Path> dir;
    try {
      dir = cache.acquire(h.dir());
    } catch (IOException e) {
      error(classify(e), h.dir(), h.name());
      return false;
    }
    try {
      seams.beforeRecheck(h.dir().root.path(), rel);
      BasicFileAttributes now = stat(dir, h.name());
      if (!now.fileKey().equals(h.fileKey()) || !now.isRegularFile()) {
        error(ErrorReason.RACE, h.dir(), h.name());
        return false;
      }
      if (timestamp(h.dir(), h.name(), now).compareTo(h.time()) > 0) {
        stats.skip(SkipReason.BECAME_YOUNG);
        return false;
      }
      if (locks.isLocked(now.fileKey())) {
        stats.skip(SkipReason.LOCKED);
        return false;
      }
      dir.deleteFile(h.name());
      stats.deleted.increment();
      stats.bytesFreed.add(h.bytes());
      listener.candidate(h.dir().root.path(), rel, "file", h.bytes(), h.time(), true);
      return true;
    } catch (IOException e) {
      error(classify(e), h.dir(), h.name());
      return false;
    } finally {
      cache.release(h.dir());
    }
  }

  private void runWorkers() throws InterruptedException {
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < settings.threads(); i++) {
      workers.add(Thread.ofPlatform().name("cleanup-walker-" + i).daemon().start(this::workLoop));
    }
    try {
      for (Thread t : workers) {
        t.join();
      }
    } catch (InterruptedException e) {
      // SIGTERM: the workers stop after the entry in hand. Wait for them, so the caller's summary
      // counts every unlink that happened and nothing is deleted after it was written.
      stop();
      joinUninterruptibly(workers);
      throw e;
    }
  }

  private static void joinUninterruptibly(List<Thread> workers) {
    boolean interrupted = false;
    for (Thread t : workers) {
      while (t.isAlive()) {
        try {
          t.join();
        } catch (InterruptedException again) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void workLoop() {
    while (true) {
      DirNode node;
      synchronized (work) {
        while (work.isEmpty() && active > 0 && !stopped) {
          try {
            work.wait();
          } catch (InterruptedException e) {
            stopped = true;
          }
        }
        if (work.isEmpty() || stopped) {
          work.notifyAll();
          return;
        }
        node = work.pop();
        active++;
      }
      try {
        processDirectory(node);
      } catch (RuntimeException | Error e) {
        // A bug must not silently end the walk of every other directory; it is an error of this
        // one.
        LOG.error("unexpected failure in {}", EntryName.display(node.display()), e);
        stats.error(ErrorReason.IO_ERROR, EntryName.display(node.display()));
      } finally {
        synchronized (work) {
          active--;
          work.notifyAll();
        }
      }
    }
  }

  private void processDirectory(DirNode node) {
    if (node.parent != null && seams != WalkSeams.NONE) {
      seams.beforeOpenDir(node.root.path(), node.relative());
    }
    SecureDirectoryStream<Path> handle;
    try {
      handle = cache.acquire(node);
    } catch (IOException e) {
      error(classify(e), node.parent, node.name);
      complete(node);
      return;
    }
    boolean complete = false;
    try {
      if (seams != WalkSeams.NONE) {
        seams.afterOpenDir(node.root.path(), node.relative());
      }
      Set<Path> keep = settings.keepNewest() > 0 ? newest(node, handle) : null;
      // A root handle outlives one pass (plan, age, budget), and a stream lists only once: roots
      // are listed through a fresh handle on "." each pass.
      try (SecureDirectoryStream<Path> listing =
          node.parent == null ? handle.newDirectoryStream(DOT, LinkOption.NOFOLLOW_LINKS) : null) {
        for (Path entry : listing != null ? listing : handle) {
          if (stopped) {
            break;
          }
          examine(node, handle, entry.getFileName(), keep);
        }
        complete = !stopped;
      } catch (DirectoryIteratorException e) {
        error(classify(e.getCause()), node, null);
      }
    } catch (IOException e) {
      error(classify(e), node, null);
    } finally {
      node.listedCompletely = complete;
      cache.release(node);
    }
    complete(node);
  }

  private void examine(DirNode dir, SecureDirectoryStream<Path> handle, Path name, Set<Path> keep) {
    stats.scanned.increment();
    BasicFileAttributes attrs;
    try {
      attrs = stat(handle, name);
    } catch (IOException e) {
      error(classify(e), dir, name);
      return;
    }
    if (attrs.isDirectory()) {
      subdirectory(dir, name, attrs);
    } else if (attrs.isRegularFile()) {
      stats.scannedFiles.increment();
      candidate(dir, handle, name, attrs, keep, "file");
    } else if (attrs.isSymbolicLink() && settings.symlinks() == SymlinkPolicy.DELETE_IF_OLD) {
      candidate(dir, handle, name, attrs, keep, "symlink");
    } else {
      stats.skip(SkipReason.NOT_REGULAR);
    }
  }

  private void subdirectory(DirNode dir, Path name, BasicFileAttributes attrs) {
    if (!settings.filter().isEmpty() && settings.filter().excluded(dir.relative(name))) {
      stats.skip(SkipReason.EXCLUDED);
      return;
    }
    int depth = dir.depth + 1;
    if (depth >= settings.maxDepth()) {
      stats.skip(SkipReason.MAX_DEPTH);
      return;
    }
    FileIdentity id = FileIdentity.of(attrs.fileKey());
    if (!settings.crossMounts() && id.dev() != dir.dev) {
      stats.skip(SkipReason.MOUNT_POINT);
      return;
    }
    if (locks.isLocked(id)) {
      stats.skip(SkipReason.LOCKED);
      return;
    }
    DirNode child =
        new DirNode(
            dir.root, dir, name, attrs.fileKey(), id.dev(), depth, attrs.lastModifiedTime());
    dir.pending.incrementAndGet();
    if (seams != WalkSeams.NONE) {
      seams.afterExamineDir(dir.root.path(), dir.relative(name));
    }
    synchronized (work) {
      work.push(child);
      work.notify();
    }
  }

  private void candidate(
      DirNode dir,
      SecureDirectoryStream<Path> handle,
      Path name,
      BasicFileAttributes attrs,
      Set<Path> keep,
      String kind) {
    Path rel = null;
    if (!settings.filter().isEmpty()) {
      rel = dir.relative(name);
      if (!settings.filter().selects(rel)) {
        stats.skip(SkipReason.EXCLUDED);
        return;
      }
    }
    FileTime time;
    try {
      time = timestamp(dir, name, attrs);
    } catch (IOException e) {
      error(classify(e), dir, name);
      return;
    }
    Age age = settings.rule().judge(time.toInstant());
    boolean kept = keep != null && keep.contains(name);
    long bytes = allocated(attrs);
    if (collected != null) {
      if (attrs.isRegularFile()) {
        collected.add(
            new Held(dir, name, attrs.fileKey(), time, bytes, age != Age.FUTURE && !kept));
      }
      return;
    }
    if (age == Age.FUTURE) {
      stats.skip(SkipReason.FUTURE);
      return;
    }
    if (kept) {
      stats.skip(SkipReason.KEEP_NEWEST);
      return;
    }
    if (age == Age.YOUNG) {
      stats.skip(SkipReason.YOUNG);
      return;
    }
    if (locks.isLocked(attrs.fileKey())) {
      stats.skip(SkipReason.LOCKED);
      return;
    }
    stats.selected.increment();
    if (rel == null) {
      rel = dir.relative(name);
    }
    if (settings.dryRun()) {
      listener.candidate(dir.root.path(), rel, kind, bytes, time, false);
      return;
    }
    seams.beforeRecheck(dir.root.path(), rel);
    try {
      // Re-check relative to the same directory handle right before unlinking: the entry must be
      // the same inode, the same type, and still old (a writer may have touched it meanwhile).
      BasicFileAttributes now = stat(handle, name);
      if (!now.fileKey().equals(attrs.fileKey())
          || now.isRegularFile() != attrs.isRegularFile()
          || now.isSymbolicLink() != attrs.isSymbolicLink()) {
        error(ErrorReason.RACE, dir, name);
        return;
      }
      FileTime recheck = timestamp(dir, name, now);
      if (settings.rule().judge(recheck.toInstant()) != Age.OLD) {
        stats.skip(SkipReason.BECAME_YOUNG);
        return;
      }
      handle.deleteFile(name);
      stats.deleted.increment();
      stats.bytesFreed.add(allocated(now));
      listener.candidate(dir.root.path(), rel, kind, allocated(now), recheck, true);
    } catch (IOException e) {
      error(classify(e), dir, name);
    }
  }

  /** Names of the {@code keepNewest} newest selected files, from a second listing of the dir. */
  private Set<Path> newest(DirNode node, SecureDirectoryStream<Path> handle) throws IOException {
    record Stamped(FileTime time, Path name) {}
    PriorityQueue<Stamped> heap = new PriorityQueue<>(Comparator.comparing(Stamped::time));
    try (SecureDirectoryStream<Path> again =
        handle.newDirectoryStream(DOT, LinkOption.NOFOLLOW_LINKS)) {
      Object key =
          again.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
      if (!key.equals(node.fileKey)) {
        throw new IdentityChangedException(node.display().toString());
      }
      for (Path entry : again) {
        Path name = entry.getFileName();
        BasicFileAttributes a;
        try {
          a = stat(handle, name);
        } catch (IOException e) {
          continue; // the main listing reports it
        }
        boolean eligible =
            a.isRegularFile()
                || (a.isSymbolicLink() && settings.symlinks() == SymlinkPolicy.DELETE_IF_OLD);
        if (!eligible
            || (!settings.filter().isEmpty() && !settings.filter().selects(node.relative(name)))) {
          continue;
        }
        try {
          heap.add(new Stamped(timestamp(node, name, a), name));
        } catch (IOException e) {
          continue;
        }
        if (heap.size() > settings.keepNewest()) {
          heap.poll();
        }
      }
    }
    Set<Path> names = new HashSet<>();
    heap.forEach(s -> names.add(s.name()));
    return names;
  }

  /** Finishes directories bottom-up once their listing and all their subdirectories are done. */
  private void complete(DirNode node) {
    for (DirNode n = node; n != null && n.pending.decrementAndGet() == 0; n = n.parent) {
      if (n.parent == null) {
        break;
      }
      if (collected == null) {
        removeIfEmpty(n);
        cache.finish(n);
      }
    }
  }

  private void removeIfEmpty(DirNode n) {
    if (!settings.removeEmptyDirs() || settings.dryRun() || !n.listedCompletely || stopped) {
      return;
    }
    if (settings.rule().judge(n.mtime.toInstant()) != Age.OLD) {
      return;
    }
    SecureDirectoryStream<Path> parent;
    try {
      parent = cache.acquire(n.parent);
    } catch (IOException e) {
      error(classify(e), n.parent, null);
      return;
    }
    try {
      seams.beforeRemoveDir(n.root.path(), n.relative());
      BasicFileAttributes now = stat(parent, n.name);
      if (!now.isDirectory() || !now.fileKey().equals(n.fileKey)) {
        error(ErrorReason.RACE, n.parent, n.name);
        return;
      }
      parent.deleteDirectory(n.name);
      stats.dirsRemoved.increment();
      listener.candidate(n.root.path(), n.relative(), "dir", 0, n.mtime, true);
    } catch (DirectoryNotEmptyException e) {
      stats.skip(SkipReason.NOT_EMPTY);
    } catch (IOException e) {
      error(classify(e), n.parent, n.name);
    } finally {
      cache.release(n.parent);
    }
  }

  private static BasicFileAttributes stat(SecureDirectoryStream<Path> dir, Path name)
      throws IOException {
    return dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .readAttributes();
  }

  /**
   * The deciding timestamp. mtime comes from the handle-relative lstat; ctime is not exposed by the
   * secure stream, so it is read by path and accepted only if that path still names the same inode
   * (otherwise the entry is treated as raced).
   */
  private FileTime timestamp(DirNode dir, Path name, BasicFileAttributes attrs) throws IOException {
    if (settings.ageBy() == AgeBy.MTIME) {
      return attrs.lastModifiedTime();
    }
    Path full = dir.root.path().resolve(dir.relative(name));
    Map<String, Object> unix =
        Files.readAttributes(full, "unix:ctime,dev,ino", LinkOption.NOFOLLOW_LINKS);
    FileIdentity expected = FileIdentity.of(attrs.fileKey());
    if (((Number) unix.get("dev")).longValue() != expected.dev()
        || ((Number) unix.get("ino")).longValue() != expected.ino()) {
      throw new IdentityChangedException(name.toString());
    }
    FileTime ctime = (FileTime) unix.get("ctime");
    if (settings.ageBy() == AgeBy.CTIME) {
      return ctime;
    }
    return ctime.compareTo(attrs.lastModifiedTime()) > 0 ? ctime : attrs.lastModifiedTime();
  }

  private static long allocated(BasicFileAttributes attrs) {
    // java.nio exposes no st_blocks; whole 4 KiB blocks approximate what an unlink frees.
    return attrs.isRegularFile() ? (attrs.size() + BLOCK - 1) / BLOCK * BLOCK : 0;
  }

  private void error(ErrorReason reason, DirNode dir, Path name) {
    String where;
    if (dir == null) {
      where = "?";
    } else {
      where = EntryName.display(name == null ? dir.display() : dir.display().resolve(name));
    }
    if (stats.error(reason, where) && reason != ErrorReason.VANISHED) {
      LOG.warn("{}: {}", reason.label(), where);
    }
  }

  static ErrorReason classify(IOException e) {
    if (e instanceof NoSuchFileException) {
      return ErrorReason.VANISHED;
    }
    if (e instanceof AccessDeniedException) {
      return ErrorReason.PERMISSION_DENIED;
    }
    if (e instanceof IdentityChangedException || e instanceof NotDirectoryException) {
      return ErrorReason.RACE;
    }
    if (e instanceof FileSystemException fse && fse.getReason() != null) {
      String reason = fse.getReason();
      if (reason.contains("symbolic link")) {
        return ErrorReason.SYMLINK_RACE;
      }
      if (reason.contains("busy")) {
        return ErrorReason.BUSY;
      }
      if (reason.contains("not permitted")) {
        return ErrorReason.PERMISSION_DENIED;
      }
    }
    return ErrorReason.IO_ERROR;
  }
}
