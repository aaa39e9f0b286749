package dev.taskrunner.common.shutdown;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ShutdownCoordinatorTest {

  @Test
  void actionsRunNewestFirst() {
    ShutdownCoordinator shutdown = new ShutdownCoordinator();
    List<String> ran = new CopyOnWriteArrayList<>();
    shutdown.register("open connection", () -> ran.add("open connection"));
    shutdown.register("start upload", () -> ran.add("start upload"));
    shutdown.register("write passfile", () -> ran.add("write passfile"));
    assertThat(shutdown.runActions(Duration.ofSeconds(5)))
        .containsExactly("write passfile", "start upload", "open connection");
    assertThat(ran).containsExactly("write passfile", "start upload", "open connection");
  }

  @Test
  void closedRegistrationDoesNotRun() {
    ShutdownCoordinator shutdown = new ShutdownCoordinator();
    List<String> ran = new CopyOnWriteArrayList<>();
    shutdown.register("kept", () -> ran.add("kept"));
    shutdown.register("done already", () -> ran.add("done already")).close();
    shutdown.runActions(Duration.ofSeconds(5));
    assertThat(ran).containsExactly("kept");
  }

  @Test
  void aFailingOrHangingActionDoesNotStopTheOthersAndTheGraceTimeBoundsTheWhole() {
    ShutdownCoordinator shutdown = new ShutdownCoordinator();
    List<String> ran = new CopyOnWriteArrayList<>();
    shutdown.register("last", () -> ran.add("last"));
    shutdown.register(
        "hangs",
        () -> {
          try {
            Thread.sleep(60_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    shutdown.register(
        "fails",
        () -> {
          throw new IllegalStateException("nope");
        });
    long start = System.nanoTime();
    List<String> done = shutdown.runActions(Duration.ofMillis(500));
    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    assertThat(tookMillis).isLessThan(5_000);
    assertThat(done).doesNotContain("hangs", "fails");
    // "last" was registered first so runs last; the hanging action used up the grace time.
    assertThat(ran).isEmpty();
  }

  @Test
  void actionsRunOnlyOnce() {
    ShutdownCoordinator shutdown = new ShutdownCoordinator();
    List<String> ran = new CopyOnWriteArrayList<>();
    shutdown.register("a", () -> ran.add("a"));
    shutdown.runActions(Duration.ofSeconds(1));
    shutdown.runActions(Duration.ofSeconds(1));
    assertThat(ran).containsExactly("a");
    assertThat(shutdown.beginStop()).isTrue();
    assertThat(shutdown.beginStop()).isFalse();
  }
}
