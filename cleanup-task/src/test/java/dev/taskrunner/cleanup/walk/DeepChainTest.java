package dev.taskrunner.cleanup.walk;

import static dev.taskrunner.cleanup.walk.WalkFixture.OLD;
import static dev.taskrunner.cleanup.walk.WalkFixture.file;
import static dev.taskrunner.cleanup.walk.WalkFixture.sh;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskrunner.cleanup.fs.LockTable;
import dev.taskrunner.cleanup.report.CleanupStats;
import dev.taskrunner.cleanup.root.PinnedRoot;
import dev.taskrunner.cleanup.root.RootGuard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** S5: CVE-2021-3997 (systemd-tmpfiles unbounded recursion), CVE-2000-0829 (tmpwatch forks). */
class DeepChainTest {
  private static final int DEPTH = 20_000;
  private static final int SEGMENT = 1_000;

  private Path base;

  @AfterEach
  void removeChain() {
    // JUnit's @TempDir cleanup cannot delete paths longer than PATH_MAX; rm(1) walks with openat.
    if (base != null) {
      sh("rm -rf '" + base + "'");
    }
  }

  @Test
  @DisplayName("S5 CVE-2021-3997: a 20,000-level chain: no stack overflow, bounded descriptors")
  void deepChain() throws Exception {
    base = Files.createTempDirectory("deep-chain");
    Path root = Files.createDirectories(base.resolve("root"));
    Path chain = buildChain(base);
    Files.move(chain, root.resolve("c"));
    file(root.resolve("sibling/old.log"), OLD);
    file(root.resolve("sibling2/old.log"), OLD);

    AtomicLong maxFds = new AtomicLong();
    AtomicLong maxHandles = new AtomicLong();
    long fdsBefore = openFds();
    CleanupStats stats = new CleanupStats();
    try (PinnedRoot pinned = RootGuard.pin(root.toString(), false)) {
      SecureTreeWalker walker =
          new SecureTreeWalker(
              WalkFixture.defaults(),
              stats,
              WalkSeams.NONE,
              CandidateListener.NONE,
              LockTable.system());
      // Sample descriptors from outside: a seam would make the walker build 20,000-level paths.
      Thread sampler =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    while (!Thread.currentThread().isInterrupted()) {
                      maxFds.accumulateAndGet(openFds(), Math::max);
                      maxHandles.accumulateAndGet(walker.openHandles(), Math::max);
                      try {
                        Thread.sleep(5);
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                  });
      walker.walk(List.of(pinned));
      sampler.interrupt();
      sampler.join();
    }
    assertThat(stats.scanned.sum()).isGreaterThan(DEPTH);
    // Siblings and the file at the bottom of the chain are all cleaned.
    assertThat(stats.deleted.sum()).isEqualTo(3);
    assertThat(root.resolve("sibling/old.log")).doesNotExist();
    assertThat(stats.failingErrors()).isZero();
    // 64 cached handles x 2 descriptors + a few per worker, regardless of depth.
    assertThat(maxHandles.get()).isLessThanOrEqualTo(64);
    assertThat(maxFds.get() - fdsBefore).isLessThan(200);
  }

  /**
   * Builds a DEPTH-deep chain of "d" directories with an old file at the bottom without ever using
   * a path longer than PATH_MAX: build a short segment, then move the chain built so far into the
   * bottom of the new segment.
   */
  private static Path buildChain(Path base) throws IOException {
    Path segment = Path.of("d/".repeat(SEGMENT));
    Path chain = Files.createDirectories(base.resolve("seg0").resolve(segment)).getParent();
    file(base.resolve("seg0").resolve(segment).resolve("old.log"), OLD);
    Path built = base.resolve("seg0");
    for (int i = 1; i < DEPTH / SEGMENT; i++) {
      Path next = base.resolve("seg" + i);
      Path bottom = Files.createDirectories(next.resolve(segment));
      Files.move(built, bottom.resolve("d"));
      built = next;
    }
    assertThat(chain).isNotNull();
    return built;
  }

  private static long openFds() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
