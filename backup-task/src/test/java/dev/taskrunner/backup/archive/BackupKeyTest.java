package dev.taskrunner.backup.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackupKeyTest {
  static final Instant T = Instant.parse("2026-03-08T07:30:05Z");

  @Test
  void keyHasTheDocumentedShapeInUtc() {
    BackupKey k = new BackupKey("backups", "app", T, "c0ffee", "dump.zst");
    assertThat(k.key()).isEqualTo("backups/app/app-20260308T073005Z-c0ffee.dump.zst");
    assertThat(k.manifestKey()).isEqualTo(k.key() + ".manifest.json");
  }

  @Test
  void twoRunsInTheSameSecondGetTwoKeys() {
    BackupKey first = new BackupKey("backups", "app", T, "c0ffee000001", "dump.zst");
    BackupKey second =
        new BackupKey("backups", "app", T.plusMillis(999), "c0ffee000002", "dump.zst");
    assertThat(first.key()).isNotEqualTo(second.key());
    assertThat(first.manifestKey()).isNotEqualTo(second.manifestKey());
    assertThat(BackupKey.parse("backups", "app", second.key()).orElseThrow().runId())
        .isEqualTo("c0ffee000002");
    assertThat(BackupKey.parse("backups", "app", first.key()).orElseThrow().time())
        .isEqualTo(BackupKey.parse("backups", "app", second.key()).orElseThrow().time());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "app",
        "App-Analytics",
        "a/b",
        "../etc",
        ".",
        "_globals",
        "ü名前",
        "100%",
        "with space",
        "-leading",
        "x'y\"z\\",
        "a.b_c"
      })
  void anyDatabaseNameRoundTripsThroughItsKey(String name) {
    BackupKey k = new BackupKey("p/q", name, T, "abc123", "sql.gz");
    assertThat(BackupKey.decode(BackupKey.encode(name))).isEqualTo(name);
    assertThat(BackupKey.encode(name)).doesNotContain("/").isNotEqualTo(".").isNotEqualTo("..");
    assertThat(BackupKey.parse(k.key())).contains(k);
    assertThat(BackupKey.parse("p/q", name, k.key())).contains(k);
  }

  @Test
  void aDatabaseNeverClaimsAnotherDatabasesOrUnrelatedKeys() {
    String analytics = new BackupKey("b", "app-analytics", T, "r1", "dump").key();
    assertThat(BackupKey.parse("b", "app", analytics)).isEmpty();
    assertThat(BackupKey.parse("b", "app", "b/app/app-analytics-20260308T073005Z-r1.dump"))
        .isEmpty();
    assertThat(BackupKey.parse("b", "app", "b/app/notes.txt")).isEmpty();
    assertThat(BackupKey.parse("b", "app", "b/app/app-20260308T073005Z-r1.dump.manifest.json"))
        .isEmpty();
    assertThat(BackupKey.parse("other", "app", "b/app/app-20260308T073005Z-r1.dump")).isEmpty();
  }

  @Test
  void formatAndCompressionComeFromTheExtension() {
    BackupKey k = BackupKey.parse("b/app/app-20260308T073005Z-r1.sql.zst").orElseThrow();
    assertThat(k.format()).isEqualTo(ArchiveFormat.PLAIN);
    assertThat(k.compression()).isEqualTo(Compression.ZSTD);
  }
}
