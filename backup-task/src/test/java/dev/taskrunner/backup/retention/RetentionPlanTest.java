package dev.taskrunner.backup.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskrunner.backup.archive.BackupKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RetentionPlanTest {
  static final Instant NOW = Instant.parse("2026-11-01T01:30:00Z");

  /** Backups 0..n-1 days old, newest first. */
  static List<BackupKey> daily(int n) {
    return IntStream.range(0, n)
        .mapToObj(
            d -> new BackupKey("b", "app", NOW.minus(Duration.ofDays(d)), "r" + d, "dump.zst"))
        .toList();
  }

  static List<String> runs(List<BackupKey> keys) {
    return keys.stream().map(BackupKey::runId).toList();
  }

  @Test
  void keepLastKeepsTheNewestN() {
    RetentionPlan plan =
        RetentionPlan.of(
            daily(5).reversed(),
            new RetentionPolicy(Optional.of(2), Optional.empty(), 1, false),
            Optional.empty(),
            NOW);
    assertThat(runs(plan.keep())).containsExactly("r0", "r1");
    assertThat(runs(plan.delete())).containsExactly("r2", "r3", "r4");
  }

  @Test
  void maxAgeDeletesOlderOnesButNeverBelowKeepMin() {
    RetentionPlan plan =
        RetentionPlan.of(
            daily(5),
            new RetentionPolicy(Optional.empty(), Optional.of(Duration.ofDays(2)), 1, false),
            Optional.empty(),
            NOW);
    assertThat(runs(plan.keep())).containsExactly("r0", "r1");
    // Everything is old (the last backups failed for a month): keep-min still keeps 3.
    RetentionPlan stale =
        RetentionPlan.of(
            daily(5).stream()
                .map(
                    k ->
                        new BackupKey(
                            "b",
                            "app",
                            k.time().minus(Duration.ofDays(30)),
                            k.runId(),
                            k.extension()))
                .toList(),
            new RetentionPolicy(Optional.empty(), Optional.of(Duration.ofDays(2)), 3, false),
            Optional.empty(),
            NOW);
    assertThat(runs(stale.keep())).containsExactly("r0", "r1", "r2");
  }

  @Test
  void theObjectJustWrittenIsNeverDeletedEvenWithASkewedClock() {
    BackupKey justWritten =
        new BackupKey("b", "app", NOW.minus(Duration.ofDays(400)), "new", "dump");
    List<BackupKey> all = new java.util.ArrayList<>(daily(3));
    all.add(justWritten);
    RetentionPlan plan =
        RetentionPlan.of(
            all,
            new RetentionPolicy(Optional.of(1), Optional.empty(), 1, false),
            Optional.of(justWritten.key()),
            NOW);
    assertThat(plan.keep()).contains(justWritten);
  }

  @Test
  void zeroOrNegativeValuesAreRejected() {
    assertThatThrownBy(() -> new RetentionPolicy(Optional.of(0), Optional.empty(), 1, false))
        .hasMessageContaining("--keep-last");
    assertThatThrownBy(
            () -> new RetentionPolicy(Optional.empty(), Optional.of(Duration.ZERO), 1, false))
        .hasMessageContaining("--max-age");
    assertThatThrownBy(() -> new RetentionPolicy(Optional.empty(), Optional.empty(), 0, false))
        .hasMessageContaining("--keep-min");
  }
}
