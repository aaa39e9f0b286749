package dev.taskrunner.cleanup.walk;

import static dev.taskrunner.cleanup.walk.WalkFixture.NOW;
import static dev.taskrunner.cleanup.walk.WalkFixture.OLD;
import static dev.taskrunner.cleanup.walk.WalkFixture.YOUNG;
import static dev.taskrunner.cleanup.walk.WalkFixture.file;
import static dev.taskrunner.cleanup.walk.WalkFixture.sh;
import static dev.taskrunner.cleanup.walk.WalkFixture.snapshot;
import static dev.taskrunner.cleanup.walk.WalkFixture.walk;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskrunner.cleanup.fs.LockTable;
import dev.taskrunner.cleanup.report.CleanupStats;
import dev.taskrunner.cleanup.report.ErrorReason;
import dev.taskrunner.cleanup.report.SkipReason;
import dev.taskrunner.cleanup.root.PinnedRoot;
import dev.taskrunner.cleanup.root.RootGuard;
import dev.taskrunner.cleanup.rule.AgeBy;
import dev.taskrunner.cleanup.rule.PathFilter;
import dev.taskrunner.cleanup.rule.SymlinkPolicy;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecureTreeWalkerTest {
  @TempDir Path tmp;
  Path root;
  Path victim;

  @BeforeEach
  void tree() throws IOException {
    root = Files.createDirectories(tmp.resolve("logs"));
    victim = Files.createDirectories(tmp.resolve("victim"));
    file(victim.resolve("keep.log"), OLD);
    file(victim.resolve("b/c/keep.log"), OLD);
  }

  @Test
  void deletesOldRegularFilesKeepsYoungAndSpecialFiles() throws Exception {
    file(root.resolve("old.log"), OLD);
    file(root.resolve("new.log"), YOUNG);
    file(root.resolve("a/b/old.log"), OLD);
    file(root.resolve("a/b/new.log"), YOUNG);
    sh(
        "mkfifo '"
            + root.resolve("old.fifo")
            + "' && touch -d '40 days ago' '"
            + root.resolve("old.fifo")
            + "'");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      Path socket = root.resolve("old.sock");
      server.bind(UnixDomainSocketAddress.of(socket));
      sh("touch -h -d '40 days ago' '" + socket + "'");

      CleanupStats stats = walk(WalkFixture.defaults(), WalkSeams.NONE, root);

      assertThat(root.resolve("old.log")).doesNotExist();
      assertThat(root.resolve("a/b/old.log")).doesNotExist();
      assertThat(root.resolve("new.log")).exists();
      assertThat(root.resolve("a/b/new.log")).exists();
      assertThat(root.resolve("old.fifo")).exists();
      assertThat(socket).exists();
      assertThat(stats.deleted.sum()).isEqualTo(2);
      assertThat(stats.skipped(SkipReason.YOUNG)).isEqualTo(2);
      assertThat(stats.skipped(SkipReason.NOT_REGULAR)).isEqualTo(2);
      assertThat(stats.failingErrors()).isZero();
    }
  }

  @Test
  @DisplayName(
      "S1 CVE-2022-21658: directory swapped for a symlink after examination is not entered")
  void directorySwappedForSymlinkBeforeDescent() throws Exception {
    file(root.resolve("d/old.log"), OLD);
    WalkSeams swap =
        new WalkSeams() {
          @Override
          public void beforeOpenDir(Path r, Path rel) {
            if (rel.toString().equals("d")) {
              swapForLink(root.resolve("d"), victim);
            }
          }
        };
    CleanupStats stats = walk(WalkFixture.defaults(), swap, root);
    assertThat(victim.resolve("keep.log")).exists();
    assertThat(root.resolve("d.moved/old.log")).exists();
    assertThat(stats.errors(ErrorReason.SYMLINK_RACE)).isEqualTo(1);
    assertThat(stats.failingErrors()).isEqualTo(1);
  }

  @Test
  @DisplayName("S2 boostorg/filesystem#224: the same swap three levels down")
  void swapThreeLevelsDown() throws Exception {
    file(root.resolve("a/b/c/old.log"), OLD);
    file(root.resolve("a/b/old.log"), OLD);
    WalkSeams swap =
        new WalkSeams() {
          @Override
          public void beforeOpenDir(Path r, Path rel) {
            if (rel.toString().equals("a/b/c")) {
              swapForLink(root.resolve("a/b/c"), victim.resolve("b/c"));
            }
          }
        };
    CleanupStats stats = walk(WalkFixture.defaults(), swap, root);
    assertThat(victim.resolve("b/c/keep.log")).exists();
    assertThat(root.resolve("a/b/old.log")).doesNotExist();
    assertThat(stats.errors(ErrorReason.SYMLINK_RACE)).isEqualTo(1);
  }

  @Test
  @DisplayName("S2: an ancestor swapped for a symlink while the walker is inside")
  void ancestorSwappedWhileInside() throws Exception {
    file(root.resolve("a/b/c/old1.log"), OLD);
    file(root.resolve("a/b/c/old2.log"), OLD);
    WalkSeams swap =
        new WalkSeams() {
          @Override
          public void afterOpenDir(Path r, Path rel) {
            if (rel.toString().equals("a/b/c")) {
              try {
                Files.move(root.resolve("a"), root.resolve("a2"));
                Files.createSymbolicLink(root.resolve("a"), victim);
              } catch (IOException e) {
                throw new AssertionError(e);
              }
            }
          }
        };
    CleanupStats stats = walk(WalkFixture.defaults(), swap, root);
    // Deletes went to the directory actually opened (now under a2), never through the link.
    assertThat(root.resolve("a2/b/c/old1.log")).doesNotExist();
    assertThat(root.resolve("a2/b/c/old2.log")).doesNotExist();
    assertThat(victim.resolve("b/c/keep.log")).exists();
    assertThat(victim.resolve("keep.log")).exists();
    assertThat(stats.deleted.sum()).isEqualTo(2);
  }

  @Test
  @DisplayName("S2: an ancestor swapped while inside, its handle evicted: re-opening fails closed")
  void ancestorSwappedAfterItsHandleWasEvicted() throws Exception {
    // Old empty directories that a walker following the link would find and remove.
    Files.createDirectories(victim.resolve("b/c/d/e"));
    for (String d : List.of("b/c/d/e", "b/c/d", "b/c", "b")) {
      Files.setLastModifiedTime(victim.resolve(d), OLD);
    }
    file(root.resolve("a/b/c/d/e/old.log"), OLD);
    for (String d : List.of("a/b/c/d/e", "a/b/c/d", "a/b/c", "a/b", "a")) {
      Files.setLastModifiedTime(root.resolve(d), OLD);
    }
    Map<String, String> victimBefore = snapshot(victim);
    WalkSeams swap =
        new WalkSeams() {
          @Override
          public void afterOpenDir(Path r, Path rel) {
            if (rel.toString().equals("a/b/c/d/e")) {
              swapForLink(root.resolve("a"), victim);
            }
          }
        };
    // One thread and the smallest handle cache (4): opening e evicts a's handle, so removing the
    // emptied directories later must re-open "a" by name, and that name is now a link.
    WalkSettings s =
        new WalkSettings(
            WalkFixture.rule30d(),
            AgeBy.MTIME,
            PathFilter.all(),
            SymlinkPolicy.IGNORE,
            true,
            Integer.MAX_VALUE,
            false,
            0,
            false,
            1,
            4);
    CleanupStats stats = walk(s, swap, root);
    assertThat(snapshot(victim)).isEqualTo(victimBefore);
    assertThat(root.resolve("a.moved/b/c/d/e")).doesNotExist();
    assertThat(stats.deleted.sum()).isEqualTo(1);
    assertThat(stats.errors(ErrorReason.SYMLINK_RACE) + stats.errors(ErrorReason.RACE))
        .isGreaterThanOrEqualTo(1);
    assertThat(Files.isSymbolicLink(root.resolve("a"))).isTrue();
  }

  @Test
  @DisplayName("S10 apache/groovy#2656, IO-702: symlinks to outside dirs and dangling links")
  void symlinksAreNeverFollowed() throws Exception {
    Path important = Files.createDirectories(tmp.resolve("important"));
    file(important.resolve("old.log"), OLD);
    Files.createSymbolicLink(root.resolve("link"), important);
    Files.createSymbolicLink(root.resolve("dangling"), tmp.resolve("nonexistent"));
    Files.createSymbolicLink(root.resolve("young-link"), important);
    sh(
        "touch -h -d '40 days ago' '"
            + root.resolve("link")
            + "' '"
            + root.resolve("dangling")
            + "'");

    CleanupStats ignore = walk(WalkFixture.defaults(), WalkSeams.NONE, root);
    assertThat(ignore.deleted.sum()).isZero();
    assertThat(Files.isSymbolicLink(root.resolve("link"))).isTrue();
    assertThat(important.resolve("old.log")).exists();

    WalkSettings delete =
        new WalkSettings(
            WalkFixture.rule30d(),
            AgeBy.MTIME,
            PathFilter.all(),
            SymlinkPolicy.DELETE_IF_OLD,
            false,
            Integer.MAX_VALUE,
            false,
            0,
            false,
            2,
            64);
    CleanupStats stats = walk(delete, WalkSeams.NONE, root);
    assertThat(stats.deleted.sum()).isEqualTo(2);
    assertThat(Files.exists(root.resolve("link"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(Files.exists(root.resolve("dangling"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(Files.isSymbolicLink(root.resolve("young-link"))).isTrue();
    assertThat(important.resolve("old.log")).exists();
  }

  @Test
  @DisplayName("S4 CVE-2000-0816: hostile names are plain names, nothing is executed")
  void pathologicalNames() throws Exception {
    List<String> names =
        List.of(
            "$(touch pwned)",
            ";id>x;",
            "`touch pwned`",
            "-rf",
            "--help",
            "a\nb",
            "*",
            "..foo",
            "x".repeat(255),
            "sp ace",
            "é-ü");
    for (String n : names) {
      file(root.resolve(n), OLD);
    }
    CleanupStats stats = walk(WalkFixture.defaults(), WalkSeams.NONE, root);
    assertThat(stats.deleted.sum()).isEqualTo(names.size());
    try (var left = Files.list(root)) {
      assertThat(left).isEmpty();
    }
    assertThat(Path.of("pwned")).doesNotExist();
    assertThat(root.resolve("x")).doesNotExist();
  }

  @Test
  @DisplayName("Names that are not valid UTF-8 are deleted through their raw bytes")
  void invalidUtf8Names() throws Exception {
    sh(
        "cd '"
            + root
            + "' && touch -d '40 days ago' \"$(printf 'bad\\377\\376name')\" \"$(printf 'lat\\351n1')\"");
    CleanupStats stats = walk(WalkFixture.defaults(), WalkSeams.NONE, root);
    assertThat(stats.deleted.sum()).isEqualTo(2);
    assertThat(stats.failingErrors()).isZero();
    try (var left = Files.list(root)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  @DisplayName("S7 CVE-2017-18078: a hard link to an outside file: only the entry inside goes")
  void hardLinkToOutsideFile() throws Exception {
    Path secret = file(tmp.resolve("secret"), OLD);
    Files.writeString(secret, "secret");
    Files.setLastModifiedTime(secret, OLD);
    Files.createLink(root.resolve("app.log.1"), secret);
    Map<String, Object> before = Files.readAttributes(secret, "unix:mode,size,lastModifiedTime");

    CleanupStats stats = walk(WalkFixture.defaults(), WalkSeams.NONE, root);

    assertThat(stats.deleted.sum()).isEqualTo(1);
    assertThat(root.resolve("app.log.1")).doesNotExist();
    assertThat(Files.readString(secret)).isEqualTo("secret");
    assertThat(Files.readAttributes(secret, "unix:mode,size,lastModifiedTime")).isEqualTo(before);
    assertThat(Files.getAttribute(secret, "unix:nlink")).isEqualTo(1);
  }

  @Test
  @DisplayName("S9: a file held with flock by another process is kept as locked")
  void flockedFileIsKept() throws Exception {
    Path locked = file(root.resolve("locked.log"), OLD);
    file(root.resolve("free.log"), OLD);
    Process holder = new ProcessBuilder("flock", "-x", locked.toString(), "sleep", "60").start();
    try {
      long ino = ((Number) Files.getAttribute(locked, "unix:ino")).longValue();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!Files.readString(Path.of("/proc/locks")).contains(":" + ino + " ")) {
        assertThat(System.nanoTime()).as("flock(1) took the lock").isLessThan(deadline);
        Thread.sleep(20);
      }
      Files.setLastModifiedTime(locked, OLD);
      CleanupStats stats = walk(WalkFixture.defaults(), WalkSeams.NONE, root);
      assertThat(locked).exists();
      assertThat(root.resolve("free.log")).doesNotExist();
      assertThat(stats.skipped(SkipReason.LOCKED)).isEqualTo(1);
    } finally {
      holder.destroyForcibly().waitFor();
    }
  }

  @Test
  @DisplayName(
      "opencast#7938, fs2#3120: a directory deleted mid-walk is vanished; the walk goes on")
  void directoryVanishesMidWalk() throws Exception {
    for (String d : List.of("s1", "s2", "s3")) {
      for (int i = 0; i < 5; i++) {
        file(root.resolve(d + "/old" + i + ".log"), OLD);
      }
    }
    WalkSeams remover =
        new WalkSeams() {
          @Override
          public void beforeOpenDir(Path r, Path rel) {
            if (rel.toString().equals("s2")) {
              sh("rm -rf '" + root.resolve("s2") + "'");
            }
          }

          @Override
          public void beforeRecheck(Path r, Path rel) {
            if (rel.toString().equals("s3/old0.log")) {
              sh("rm -f '" + root.resolve(rel) + "'");
            }
          }
        };
    CleanupStats stats = walk(WalkFixture.defaults().withThreads(1), remover, root);
    assertThat(stats.deleted.sum()).isEqualTo(9);
    assertThat(stats.errors(ErrorReason.VANISHED)).isEqualTo(2);
    assertThat(stats.failingErrors()).isZero();
  }

  @Test
  @DisplayName(
      "SIGTERM: an interrupted walk returns only after the entry in hand, so its count is final")
  void interruptedWalkWaitsForTheEntryInHand() throws Exception {
    file(root.resolve("a.log"), OLD);
    file(root.resolve("b.log"), OLD);
    CleanupStats stats = new CleanupStats();
    PinnedRoot pinned = RootGuard.pin(root.toString(), false);
    AtomicLong deletedWhenWalkReturned = new AtomicLong(-1);
    AtomicReference<Thread> walking = new AtomicReference<>();
    AtomicReference<SecureTreeWalker> walker = new AtomicReference<>();
    WalkSeams signal =
        new WalkSeams() {
          @Override
          public void beforeRecheck(Path r, Path rel) {
            if (walker.get().stopped()) {
              return;
            }
            // SIGTERM arrives while this worker holds an entry: the launcher interrupts the
            // walking thread. Go on only once that thread has returned (the bug) or is waiting
            // for this worker (the fix).
            Thread w = walking.get();
            w.interrupt();
            while (w.isAlive()
                && !(walker.get().stopped() && w.getState() == Thread.State.WAITING)) {
              Thread.onSpinWait();
            }
          }
        };
    walker.set(
        new SecureTreeWalker(
            WalkFixture.defaults().withThreads(1),
            stats,
            signal,
            CandidateListener.NONE,
            LockTable.system()));
    Thread w =
        new Thread(
            () -> {
              try {
                walker.get().walk(List.of(pinned));
              } catch (InterruptedException e) {
                deletedWhenWalkReturned.set(stats.deleted.sum());
              }
            });
    walking.set(w);
    try {
      w.start();
      w.join();
    } finally {
      pinned.close();
    }
    assertThat(deletedWhenWalkReturned.get()).isEqualTo(1);
    assertThat(stats.deleted.sum()).isEqualTo(1);
    try (var left = Files.list(root)) {
      assertThat(left.count()).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("anchor #26: a file touched between selection and unlink is kept as became_young")
  void fileBecomesYoungAtSeam() throws Exception {
    Path writer = file(root.resolve("app.log"), OLD);
    WalkSeams touch =
        new WalkSeams() {
          @Override
          public void beforeRecheck(Path r, Path rel) {
            try {
              Files.setLastModifiedTime(writer, FileTime.from(NOW));
            } catch (IOException e) {
              throw new AssertionError(e);
            }
          }
        };
    CleanupStats stats = walk(WalkFixture.defaults(), touch, root);
    assertThat(writer).exists();
    assertThat(stats.skipped(SkipReason.BECAME_YOUNG)).isEqualTo(1);
  }

  @Test
  @DisplayName("curator#103: future mtimes are kept and counted")
  void futureMtimesKept() throws Exception {
    file(root.resolve("skewed.log"), FileTime.from(NOW.plus(Duration.ofDays(10))));
    CleanupStats stats = walk(WalkFixture.defaults(), WalkSeams.NONE, root);
    assertThat(root.resolve("skewed.log")).exists();
    assertThat(stats.skipped(SkipReason.FUTURE)).isEqualTo(1);
  }

  @Test
  @DisplayName("systemd#30361: exclude beats include, and an excluded directory is not entered")
  void excludeBeatsInclude() throws Exception {
    file(root.resolve("app.log"), OLD);
    file(root.resolve("app.txt"), OLD);
    file(root.resolve("keep-app.log"), OLD);
    file(root.resolve("audit/x.log"), OLD);
    WalkSettings s =
        new WalkSettings(
            WalkFixture.rule30d(),
            AgeBy.MTIME,
            new PathFilter(List.of("*.log"), List.of("keep-*", "audit")),
            SymlinkPolicy.IGNORE,
            false,
            Integer.MAX_VALUE,
            false,
            0,
            false,
            2,
            64);
    walk(s, WalkSeams.NONE, root);
    assertThat(root.resolve("app.log")).doesNotExist();
    assertThat(root.resolve("app.txt")).exists();
    assertThat(root.resolve("keep-app.log")).exists();
    assertThat(root.resolve("audit/x.log")).exists();
  }

  @Test
  @DisplayName("LOGBACK-1166: keep-newest counts files per directory, not periods")
  void keepNewestPerDirectory() throws Exception {
    for (String d : List.of("x", "y")) {
      for (int i = 0; i < 5; i++) {
        file(
            root.resolve(d + "/f" + i + ".log"), FileTime.from(NOW.minus(Duration.ofDays(40 + i))));
      }
    }
    file(root.resolve("y/young.log"), YOUNG);
    WalkSettings s =
        new WalkSettings(
            WalkFixture.rule30d(),
            AgeBy.MTIME,
            PathFilter.all(),
            SymlinkPolicy.IGNORE,
            false,
            Integer.MAX_VALUE,
            false,
            2,
            false,
            2,
            64);
    CleanupStats stats = walk(s, WalkSeams.NONE, root);
    assertThat(root.resolve("x/f0.log")).exists();
    assertThat(root.resolve("x/f1.log")).exists();
    assertThat(root.resolve("x/f2.log")).doesNotExist();
    // In y the young file is one of the two newest: only f0 is kept besides it.
    assertThat(root.resolve("y/young.log")).exists();
    assertThat(root.resolve("y/f0.log")).exists();
    assertThat(root.resolve("y/f1.log")).doesNotExist();
    assertThat(stats.deleted.sum()).isEqualTo(7);
  }

  @Test
  @DisplayName("LOGBACK-1531: the size budget considers every file, oldest first, links once")
  void sizeBudgetOldestFirst() throws Exception {
    for (int i = 0; i < 6; i++) {
      file(
          root.resolve("d" + (i % 2) + "/f" + i + ".log"),
          FileTime.from(NOW.minus(Duration.ofDays(i + 1))),
          8192);
    }
    // A second link to the newest file must not count twice.
    Files.createLink(root.resolve("d1/f0-link.log"), root.resolve("d0/f0.log"));
    Files.setLastModifiedTime(
        root.resolve("d0/f0.log"), FileTime.from(NOW.minus(Duration.ofDays(1))));
    CleanupStats stats = new CleanupStats();
    try (PinnedRoot pinned = RootGuard.pin(root.toString(), false)) {
      new SecureTreeWalker(
              WalkFixture.defaults(),
              stats,
              WalkSeams.NONE,
              CandidateListener.NONE,
              LockTable.system())
          .enforceBudget(List.of(pinned), 3 * 8192);
    }
    // 6 inodes x 8 KiB; budget 3 -> the 3 oldest (f5, f4, f3) go, all young by age.
    assertThat(root.resolve("d1/f5.log")).doesNotExist();
    assertThat(root.resolve("d0/f4.log")).doesNotExist();
    assertThat(root.resolve("d1/f3.log")).doesNotExist();
    assertThat(root.resolve("d0/f2.log")).exists();
    assertThat(root.resolve("d0/f0.log")).exists();
    assertThat(stats.deleted.sum()).isEqualTo(3);
  }

  @Test
  @DisplayName("LOGBACK-1531, logback#728: age pass, then the budget; kept files count, stay")
  void budgetAfterAgePassOnAMixedTree() throws Exception {
    // Per directory: 2 old files (40, 41 d), 2 young (2, 3 d), 16 KiB each; plus a future file.
    for (String d : List.of("x", "y")) {
      for (int age : List.of(40, 41, 2, 3)) {
        file(
            root.resolve(d + "/f" + age + ".log"),
            FileTime.from(NOW.minus(Duration.ofDays(age))),
            16384);
      }
    }
    file(root.resolve("x/skewed.log"), FileTime.from(NOW.plus(Duration.ofDays(5))), 16384);
    WalkSettings keepOne =
        new WalkSettings(
            WalkFixture.rule30d(),
            AgeBy.MTIME,
            PathFilter.all(),
            SymlinkPolicy.IGNORE,
            false,
            Integer.MAX_VALUE,
            false,
            1,
            false,
            2,
            64);
    CleanupStats stats = new CleanupStats();
    try (PinnedRoot pinned = RootGuard.pin(root.toString(), false)) {
      SecureTreeWalker walker =
          new SecureTreeWalker(
              keepOne, stats, WalkSeams.NONE, CandidateListener.NONE, LockTable.system());
      walker.walk(List.of(pinned));
      // Age pass: f40, f41 of both dirs go (the newest, f2 or skewed, is kept anyway).
      assertThat(stats.deleted.sum()).isEqualTo(4);
      // Left: x/{f2,f3,skewed}, y/{f2,f3} = 5 x 16 KiB. Budget 2 x 16 KiB: the future file and
      // the keep-newest y/f2 count but stay, so y/f3, x/f3 and x/f2 go, oldest first.
      walker.enforceBudget(List.of(pinned), 2 * 16384);
    }
    assertThat(root.resolve("x/skewed.log")).exists();
    assertThat(root.resolve("y/f2.log")).exists();
    assertThat(root.resolve("x/f3.log")).doesNotExist();
    assertThat(root.resolve("y/f3.log")).doesNotExist();
    assertThat(root.resolve("x/f2.log")).doesNotExist();
    assertThat(stats.deleted.sum()).isEqualTo(7);
    // The budget pass re-lists the tree without counting it twice.
    assertThat(stats.scanned.sum()).isEqualTo(2 + 9);
    assertThat(stats.skipped(SkipReason.FUTURE)).isEqualTo(1);
  }

  @Test
  @DisplayName("mount points are not crossed unless --cross-mounts")
  void mountPointsAreNotCrossed() throws Exception {
    Path mnt = Files.createDirectories(root.resolve("mnt"));
    Process mount =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "none", mnt.toString())
            .redirectErrorStream(true)
            .start();
    org.junit.jupiter.api.Assumptions.assumeTrue(
        mount.waitFor() == 0, "needs CAP_SYS_ADMIN to mount a tmpfs (the test runs as root in CI)");
    try {
      file(mnt.resolve("old.log"), OLD);
      file(root.resolve("plain/old.log"), OLD);
      CleanupStats stats = walk(WalkFixture.defaults(), WalkSeams.NONE, root);
      assertThat(mnt.resolve("old.log")).exists();
      assertThat(root.resolve("plain/old.log")).doesNotExist();
      assertThat(stats.skipped(SkipReason.MOUNT_POINT)).isEqualTo(1);

      WalkSettings cross =
          new WalkSettings(
              WalkFixture.rule30d(),
              AgeBy.MTIME,
              PathFilter.all(),
              SymlinkPolicy.IGNORE,
              false,
              Integer.MAX_VALUE,
              true,
              0,
              false,
              2,
              64);
      walk(cross, WalkSeams.NONE, root);
      assertThat(mnt.resolve("old.log")).doesNotExist();
    } finally {
      sh("umount '" + mnt + "'");
    }
  }

  @Test
  void dryRunChangesNothingAndReportsCandidates() throws Exception {
    file(root.resolve("old.log"), OLD);
    file(root.resolve("a/old.log"), OLD);
    file(root.resolve("a/new.log"), YOUNG);
    Map<String, String> before = snapshot(root);
    List<Path> reported = new CopyOnWriteArrayList<>();
    CleanupStats stats = new CleanupStats();
    try (PinnedRoot pinned = RootGuard.pin(root.toString(), false)) {
      new SecureTreeWalker(
              WalkFixture.defaults().withDryRun(true),
              stats,
              WalkSeams.NONE,
              (r, rel, kind, bytes, time, deleted) -> reported.add(rel),
              LockTable.system())
          .walk(List.of(pinned));
    }
    assertThat(snapshot(root)).isEqualTo(before);
    assertThat(reported).containsExactlyInAnyOrder(Path.of("old.log"), Path.of("a/old.log"));
    assertThat(stats.selected.sum()).isEqualTo(2);
    assertThat(stats.deleted.sum()).isZero();
  }

  @Test
  @DisplayName("S3 CVE-2019-3461: a real pass mutates nothing but the unlinked entries")
  void realPassLeavesSurvivorsUntouched() throws Exception {
    file(root.resolve("keep/a.log"), YOUNG);
    file(root.resolve("keep/b/c.log"), YOUNG);
    file(root.resolve("mixed/old.log"), OLD);
    file(root.resolve("mixed/new.log"), YOUNG);
    Files.setLastModifiedTime(root.resolve("keep"), OLD);
    Map<String, String> before = snapshot(root);
    WalkSettings s =
        new WalkSettings(
            WalkFixture.rule30d(),
            AgeBy.MTIME,
            PathFilter.all(),
            SymlinkPolicy.IGNORE,
            true,
            Integer.MAX_VALUE,
            false,
            0,
            false,
            2,
            64);
    walk(s, WalkSeams.NONE, root);
    Map<String, String> after = snapshot(root);
    // Unlinking changes the containing directory's mtime/ctime (kernel); everything else is equal.
    before.keySet().removeIf(k -> k.isEmpty() || k.equals("mixed") || k.equals("mixed/old.log"));
    after.keySet().removeIf(k -> k.isEmpty() || k.equals("mixed"));
    assertThat(after).isEqualTo(before);
  }

  @Test
  void removesEmptyOldDirectoriesBottomUp() throws Exception {
    file(root.resolve("a/b/c/old.log"), OLD);
    file(root.resolve("k/new.log"), YOUNG);
    for (String d : List.of("a/b/c", "a/b", "a", "k")) {
      Files.setLastModifiedTime(root.resolve(d), OLD);
    }
    Files.createDirectories(root.resolve("fresh-empty"));
    WalkSettings s =
        new WalkSettings(
            WalkFixture.rule30d(),
            AgeBy.MTIME,
            PathFilter.all(),
            SymlinkPolicy.IGNORE,
            true,
            Integer.MAX_VALUE,
            false,
            0,
            false,
            2,
            64);
    CleanupStats stats = walk(s, WalkSeams.NONE, root);
    assertThat(root.resolve("a")).doesNotExist();
    assertThat(root.resolve("k/new.log")).exists();
    assertThat(root.resolve("fresh-empty")).exists();
    assertThat(root).exists();
    assertThat(stats.dirsRemoved.sum()).isEqualTo(3);
    assertThat(stats.skipped(SkipReason.NOT_EMPTY)).isEqualTo(1);
  }

  @Test
  void maxDepthLimitsEntries() throws Exception {
    file(root.resolve("top.log"), OLD);
    file(root.resolve("a/deep.log"), OLD);
    WalkSettings s =
        new WalkSettings(
            WalkFixture.rule30d(),
            AgeBy.MTIME,
            PathFilter.all(),
            SymlinkPolicy.IGNORE,
            false,
            1,
            false,
            0,
            false,
            2,
            64);
    CleanupStats stats = walk(s, WalkSeams.NONE, root);
    assertThat(root.resolve("top.log")).doesNotExist();
    assertThat(root.resolve("a/deep.log")).exists();
    assertThat(stats.skipped(SkipReason.MAX_DEPTH)).isEqualTo(1);
  }

  @Test
  void ageByCtimeKeepsFilesWithOldMtimeButRecentStatusChange() throws Exception {
    file(root.resolve("restored.log"), OLD); // ctime is now: just written
    WalkSettings s =
        new WalkSettings(
            new dev.taskrunner.cleanup.rule.AgeRule(
                Duration.ofDays(30), false, java.time.Instant.now().plusSeconds(60)),
            AgeBy.MAX,
            PathFilter.all(),
            SymlinkPolicy.IGNORE,
            false,
            Integer.MAX_VALUE,
            false,
            0,
            false,
            2,
            64);
    CleanupStats stats = walk(s, WalkSeams.NONE, root);
    assertThat(root.resolve("restored.log")).exists();
    assertThat(stats.skipped(SkipReason.YOUNG)).isEqualTo(1);
  }

  @Test
  void severalRootsInParallel() throws Exception {
    Path other = Files.createDirectories(tmp.resolve("other"));
    List<Path> old = new ArrayList<>();
    for (int d = 0; d < 20; d++) {
      for (int f = 0; f < 20; f++) {
        old.add(file(root.resolve("d" + d + "/f" + f), OLD));
        old.add(file(other.resolve("d" + d + "/f" + f), OLD));
      }
    }
    CleanupStats stats = walk(WalkFixture.defaults().withThreads(4), WalkSeams.NONE, root, other);
    assertThat(stats.deleted.sum()).isEqualTo(old.size());
    assertThat(old).allSatisfy(p -> assertThat(p).doesNotExist());
  }

  static void swapForLink(Path dir, Path target) {
    try {
      Files.move(dir, dir.resolveSibling(dir.getFileName() + ".moved"));
      Files.createSymbolicLink(dir, target);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
