package dev.taskrunner.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskrunner.backup.archive.Compression;
import dev.taskrunner.backup.storage.S3Settings;
import dev.taskrunner.common.TaskLauncher;
import dev.taskrunner.common.config.ConfigurationException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Configuration: env and flags reach the settings records; bad values name their option. */
class BackupCommandTest {
  static BackupCommand parse(Map<String, String> env, String... args) {
    BackupCommand command = new BackupCommand();
    TaskLauncher.commandLine(new TaskLauncher.Task("backup", "BACKUP_"), command, env)
        .parseArgs(args);
    return command;
  }

  @Test
  void environmentFillsOptionsAndFlagsWin() {
    BackupCommand c =
        parse(
            Map.of(
                "BACKUP_BUCKET", "b",
                "BACKUP_COMPRESSION", "gzip",
                "BACKUP_S3_CHECKSUM", "when_required",
                "PGDATABASE", "app"),
            "--compression=zstd");
    assertThat(c.backupSettings().compression()).isEqualTo(Compression.ZSTD);
    assertThat(c.s3Settings().checksumMode()).isEqualTo(S3Settings.ChecksumMode.WHEN_REQUIRED);
    assertThat(c.database).isEqualTo("app");
    assertThat(c.mode).isEqualTo(Mode.BACKUP);
  }

  @Test
  void badValuesNameTheirOption() {
    assertThatThrownBy(() -> parse(Map.of(), "--bucket=b", "--part-size=1MiB").backupSettings())
        .isInstanceOf(ConfigurationException.class)
        .hasFieldOrPropertyWithValue("option", "--part-size");
    assertThatThrownBy(
            () ->
                parse(Map.of(), "--bucket=b", "--format=tar", "--compression=pgdump")
                    .backupSettings())
        .hasFieldOrPropertyWithValue("option", "--compression");
    assertThatThrownBy(() -> parse(Map.of(), "--bucket=b", "--s3-checksum=md5").s3Settings())
        .hasFieldOrPropertyWithValue("option", "--s3-checksum");
    assertThatThrownBy(
            () -> parse(Map.of(), "--bucket=b", "--s3-object-lock-mode=governance").s3Settings())
        .hasFieldOrPropertyWithValue("option", "--s3-object-lock-retention");
    for (String endpoint : List.of("ftp://127.0.0.1:21", "http://127.0.0.1:99999", "http:/x")) {
      assertThatThrownBy(
              () -> parse(Map.of(), "--bucket=b", "--s3-endpoint=" + endpoint).s3Settings())
          .as(endpoint)
          .hasFieldOrPropertyWithValue("option", "--s3-endpoint");
    }
    assertThatThrownBy(() -> parse(Map.of("PGPORT", "70000"), "--bucket=b").connectionSettings())
        .hasFieldOrPropertyWithValue("option", "--pg-port (env PGPORT)");
    assertThatThrownBy(
            () -> parse(Map.of(), "--bucket=b", "--pg-sslmode=bogus").connectionSettings())
        .hasFieldOrPropertyWithValue("option", "--pg-sslmode (env PGSSLMODE)");
    assertThat(parse(Map.of(), "--bucket=b", "--s3-endpoint=http://127.0.0.1:9000").s3Settings())
        .isNotNull();
    assertThatThrownBy(() -> parse(Map.of(), "--bucket=b", "--max-age=-1d").retentionPolicy())
        .isInstanceOf(Exception.class);
  }

  @Test
  void explicitlyEmptyOrUnsafeValuesAreRefusedNamingTheirOption() throws Exception {
    assertThatThrownBy(() -> parse(Map.of(), "--bucket=b", "--pg-password=").connectionSettings())
        .isInstanceOf(ConfigurationException.class)
        .hasFieldOrPropertyWithValue("option", "--pg-password (env PGPASSWORD)");
    java.nio.file.Path empty = java.nio.file.Files.createTempFile("pgpassword", "");
    try {
      assertThatThrownBy(
              () ->
                  parse(Map.of("PGPASSWORD_FILE", empty.toString()), "--bucket=b")
                      .connectionSettings())
          .hasFieldOrPropertyWithValue("option", "PGPASSWORD_FILE")
          .hasMessageContaining("is empty");
    } finally {
      java.nio.file.Files.delete(empty);
    }
    for (String flag : List.of("--pg-host", "--pg-user", "--database")) {
      assertThatThrownBy(() -> parse(Map.of(), "--bucket=b", flag + "=").connectionSettings())
          .as(flag)
          .hasFieldOrPropertyWithValue("option", flag + " (env " + envOf(flag) + ")");
    }
    for (String bucket : List.of("a/b", "my bucket", "b?x=1")) {
      assertThatThrownBy(() -> parse(Map.of(), "--bucket=" + bucket).s3Settings())
          .as(bucket)
          .hasFieldOrPropertyWithValue("option", "--bucket");
    }
    for (String prefix : List.of("../x", "a/../b", "a//b", "./a", "a/.")) {
      assertThatThrownBy(() -> parse(Map.of(), "--bucket=b", "--prefix=" + prefix).s3Settings())
          .as(prefix)
          .hasFieldOrPropertyWithValue("option", "--prefix");
    }
    assertThat(parse(Map.of(), "--bucket=b", "--prefix=/team..a/db.x/").s3Settings().prefix())
        .isEqualTo("team..a/db.x");
    assertThat(parse(Map.of(), "--bucket=b", "--prefix=/").s3Settings().prefix()).isEmpty();
    assertThatThrownBy(
            () ->
                parse(
                        Map.of(),
                        "--bucket=b",
                        "--s3-object-lock-mode=governance",
                        "--s3-object-lock-retention=0s")
                    .s3Settings())
        .hasFieldOrPropertyWithValue("option", "--s3-object-lock-retention");
    assertThatThrownBy(() -> parse(Map.of(), "--bucket=b", "--s3-kms-key-id=k").s3Settings())
        .hasFieldOrPropertyWithValue("option", "--s3-kms-key-id");
    assertThat(
            parse(Map.of(), "--bucket=b", "--s3-sse=aws:kms", "--s3-kms-key-id=k")
                .s3Settings()
                .kmsKeyId())
        .contains("k");
  }

  private static String envOf(String flag) {
    return switch (flag) {
      case "--pg-host" -> "PGHOST";
      case "--pg-user" -> "PGUSER";
      default -> "PGDATABASE";
    };
  }

  @Test
  void theModeCanBeGivenAsASubcommandWord() {
    assertThat(
            parse(
                    Map.of("BACKUP_BUCKET", "b"),
                    BackupCommand.modeWordAsFlag(new String[] {"restore", "--latest"}))
                .effectiveMode())
        .isEqualTo(Mode.RESTORE);
    assertThat(BackupCommand.modeWordAsFlag(new String[] {"--database=restore"}))
        .containsExactly("--database=restore");
    assertThat(parse(Map.of("BACKUP_MODE", "verify", "BACKUP_BUCKET", "b")).effectiveMode())
        .isEqualTo(Mode.VERIFY);
    assertThat(parse(Map.of("BACKUP_BUCKET", "b")).effectiveMode()).isEqualTo(Mode.BACKUP);
  }

  @Test
  void objectLockForcesPartChecksums() {
    S3Settings s =
        parse(
                Map.of(),
                "--bucket=b",
                "--s3-object-lock-mode=compliance",
                "--s3-object-lock-retention=30d")
            .s3Settings();
    assertThat(s.partMd5()).isTrue();
  }
}
