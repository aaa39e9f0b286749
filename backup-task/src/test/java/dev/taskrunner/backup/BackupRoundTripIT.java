package dev.taskrunner.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskrunner.backup.testing.S3ProxyServer;
import dev.taskrunner.backup.testing.TestDatabase;
import dev.taskrunner.common.testing.TaskProcess;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Backup, then restore into a new database: the table contents must be equal. */
class BackupRoundTripIT {
  static final String BUCKET = "roundtrip";
  static TestDatabase db;
  static S3ProxyServer s3;

  @BeforeAll
  static void start() throws Exception {
    db = TestDatabase.start();
    s3 = S3ProxyServer.start();
    s3.createBucket(BUCKET);
    db.createSampleDatabase("shop", 5000);
  }

  @AfterAll
  static void stop() {
    if (s3 != null) {
      s3.close();
    }
    if (db != null) {
      db.close();
    }
  }

  static Map<String, String> env() {
    Map<String, String> env = new HashMap<>(db.env());
    env.putAll(s3.env(BUCKET));
    return env;
  }

  static TaskProcess run(Map<String, String> env, String... args) {
    return TaskProcess.run(TaskProcess.taskJar(), env, Duration.ofMinutes(3), args);
  }

  static JsonNode completed(TaskProcess p) {
    assertThat(p.exitCode()).as(p.stdout() + p.stderr()).isZero();
    List<JsonNode> events = p.events("backup.completed");
    assertThat(events).hasSize(1);
    return events.get(0);
  }

  @ParameterizedTest(name = "format {0}, compression {1}")
  @CsvSource({
    "custom, zstd",
    "custom, none",
    "custom, pgdump",
    "plain, gzip",
    "plain, none",
    "tar, zstd"
  })
  void restoredTablesEqualTheOriginal(String format, String compression) throws Exception {
    TaskProcess backup =
        run(env(), "--database=shop", "--format=" + format, "--compression=" + compression);
    JsonNode done = completed(backup);
    String key = done.get("key").asText();
    assertThat(key).startsWith("backups/shop/shop-").matches(".*-[0-9a-f]+\\.(dump|sql|tar).*");

    // The stored bytes hash to what the task logged, and the manifest says the same.
    byte[] stored = s3.get(BUCKET, key);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(stored));
    assertThat(done.get("sha256").asText()).isEqualTo(sha);
    JsonNode manifest = new ObjectMapper().readTree(s3.get(BUCKET, key + ".manifest.json"));
    assertThat(manifest.get("sha256").asText()).isEqualTo(sha);
    assertThat(manifest.get("size_bytes").asLong()).isEqualTo(stored.length);
    assertThat(manifest.get("database").asText()).isEqualTo("shop");
    assertThat(manifest.get("format").asText()).isEqualTo(format);
    assertThat(s3.client().headObject(b -> b.bucket(BUCKET).key(key)).metadata())
        .containsEntry("taskrunner-sha256", sha);

    String target = "shop_" + format + "_" + compression;
    TaskProcess restore =
        run(env(), "restore", "--key=" + key, "--target-database=" + target, "--create-target");
    assertThat(restore.exitCode()).as(restore.stdout() + restore.stderr()).isZero();
    assertThat(restore.events("restore.completed")).hasSize(1);
    assertThat(db.fingerprint(target, "items")).isEqualTo(db.fingerprint("shop", "items"));
    assertThat(db.fingerprint(target, "notes")).isEqualTo(db.fingerprint("shop", "notes"));
    assertThat(s3.openUploads(BUCKET)).isEmpty();
  }

  @Test
  void secretsNeverAppearInOutput() {
    Map<String, String> env = env();
    TaskProcess backup = run(env, "--database=shop", "--verify");
    completed(backup);
    String all = backup.stdout() + "\n" + backup.stderr();
    assertThat(all).doesNotContain(TestDatabase.PASSWORD).doesNotContain(S3ProxyServer.SECRET_KEY);
    backup.jsonLines(); // every stdout line is JSON
  }
}
