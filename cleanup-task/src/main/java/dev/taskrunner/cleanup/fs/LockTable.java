package dev.taskrunner.cleanup.fs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Which files another process holds a lock on ({@code flock} or POSIX {@code fcntl}), read from
 * {@code /proc/locks}.
 *
 * <p>Why not try the lock ourselves, as systemd-tmpfiles does: Java's {@code FileChannel.tryLock}
 * takes an {@code fcntl} record lock, which does not conflict with {@code flock} on Linux, and
 * opening a file to probe it is a side effect the task promises not to have. {@code /proc/locks} is
 * a read-only view of both kinds. Limits (documented): it only shows locks of processes in our PID
 * namespace (a Kubernetes sidecar sees the app's locks only with {@code shareProcessNamespace}),
 * and the snapshot is refreshed at most every {@code maxAgeNanos}.
 */
public final class LockTable {
  private final Path source;
  private final long maxAgeNanos;
  private volatile Snapshot snapshot;
  private volatile boolean unreadable;

  private record Snapshot(long takenNanos, Set<String> keys) {}

  public LockTable(Path source, long maxAgeNanos) {
    this.source = source;
    this.maxAgeNanos = maxAgeNanos;
  }

  /** The system table, refreshed at most every 200 ms. */
  public static LockTable system() {
    return new LockTable(Path.of("/proc/locks"), 200_000_000L);
  }

  /** True when some process holds a lock on the file; false when unknown (table unreadable). */
  public boolean isLocked(FileIdentity file) {
    return current().keys().contains(key(file.major(), file.minor(), file.ino()));
  }

  /**
   * Same for a JDK file key. When no lock is held at all (the common case) the key is not even
   * parsed: this runs once per old file.
   */
  public boolean isLocked(Object fileKey) {
    Snapshot s = current();
    return !s.keys().isEmpty() && isLocked(FileIdentity.of(fileKey));
  }

  private Snapshot current() {
    Snapshot s = snapshot;
    long now = System.nanoTime();
    if (s == null || now - s.takenNanos() > maxAgeNanos) {
      s = new Snapshot(now, read());
      snapshot = s;
    }
    return s;
  }

  /** True after the table could not be read once; the caller warns that locks are not honoured. */
  public boolean unreadable() {
    return unreadable;
  }

  private Set<String> read() {
    Set<String> keys = new HashSet<>();
    try {
      for (String line : Files.readAllLines(source, StandardCharsets.US_ASCII)) {
        // "1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF" ("->" marks blocked waiters).
        String[] f = line.trim().split("\\s+");
        int i = f.length > 1 && f[1].equals("->") ? 6 : 5;
        if (f.length <= i) {
          continue;
        }
        String[] id = f[i].split(":");
        if (id.length == 3) {
          keys.add(
              key(Long.parseLong(id[0], 16), Long.parseLong(id[1], 16), Long.parseLong(id[2])));
        }
      }
    } catch (IOException | RuntimeException e) {
      unreadable = true;
    }
    return keys;
  }

  private static String key(long major, long minor, long ino) {
    return major + ":" + minor + ":" + ino;
  }
}
