package dev.taskrunner.backup.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskrunner.backup.archive.ArchiveFormat;
import dev.taskrunner.backup.archive.Compression;
import dev.taskrunner.backup.storage.MultipartUploadSink;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackupSettingsTest {
  static BackupSettings auto() {
    return new BackupSettings(
        ArchiveFormat.CUSTOM, Compression.ZSTD, 3, Optional.empty(), 2, false, List.of());
  }

  @Test
  void smallDatabasesUseTheMinimumPart() {
    assertThat(auto().partSizeFor(1_000_000)).isEqualTo(8L * 1024 * 1024);
  }

  @Test
  void largeDatabasesNeedAtMostAbout9000Parts() {
    long oneTib = 1L << 40;
    long part = auto().partSizeFor(oneTib);
    assertThat(oneTib / part).isLessThanOrEqualTo(9000);
    assertThat(part % (1024 * 1024)).isZero();
  }

  @Test
  void hugeDatabasesStopBelowTwoGib() {
    assertThat(auto().partSizeFor(Long.MAX_VALUE / 2)).isEqualTo(MultipartUploadSink.MAX_PART_SIZE);
  }

  @Test
  void anExplicitPartSizeWins() {
    BackupSettings s =
        new BackupSettings(
            ArchiveFormat.CUSTOM, Compression.ZSTD, 3, Optional.of(5L << 20), 2, false, List.of());
    assertThat(s.partSizeFor(1L << 40)).isEqualTo(5L << 20);
  }
}
