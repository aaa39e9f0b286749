package dev.taskrunner.backup.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskrunner.backup.archive.ArchiveFormat;
import dev.taskrunner.backup.archive.Compression;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PartMemoryTest {
  static final long MIB = 1024L * 1024;
  static final long GIB = 1024 * MIB;

  @Test
  void partsThatFitTheHeapPass() {
    // The default CronJob: 256Mi limit, heap 192 MiB; 8 MiB parts, 2 in flight.
    assertThat(new PartMemory(8 * MIB, 2, false, 10 * GIB).problem(192 * MIB)).isEmpty();
  }

  @Test
  void anExplicitPartSizeThatCannotFitNamesBothOptionsAndTheHeapNeeded() {
    String problem = new PartMemory(64 * MIB, 2, true, 0).problem(192 * MIB).orElseThrow();

    assertThat(problem)
        .contains("--part-size", "--parts-in-flight", "200 MiB", "192 MiB")
        // 200 MiB / 0.75 = 267 MiB, rounded up to 64 MiB steps.
        .contains("320Mi");
  }

  @Test
  void anAutomaticPartSizeForABigDatabaseSaysWhichMemoryLimitWould() {
    // 2 TiB / 9,000 parts = 234 MiB parts (rounded up to MiB): 3 x 234 + 8 = 710 MiB of heap.
    BackupSettings auto =
        new BackupSettings(
            ArchiveFormat.CUSTOM, Compression.ZSTD, 3, Optional.empty(), 2, false, List.of());
    long part = auto.partSizeFor(2048 * GIB);
    assertThat(part).isEqualTo(234 * MIB);
    PartMemory big = new PartMemory(part, 2, false, 2048 * GIB);

    String problem = big.problem(192 * MIB).orElseThrow();

    assertThat(problem)
        .contains("database size", "9,000", "--parts-in-flight", "710 MiB")
        .contains("960Mi");
    assertThat(big.problem(big.neededHeap())).isEmpty();
  }
}
