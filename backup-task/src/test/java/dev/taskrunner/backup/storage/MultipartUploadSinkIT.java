package dev.taskrunner.backup.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskrunner.backup.testing.S3ProxyServer;
import dev.taskrunner.common.retry.Retrier;
import dev.taskrunner.common.retry.RetrySettings;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sink against a real S3Proxy: the part limit stops the upload with a usable error. */
class MultipartUploadSinkIT {
  static final String BUCKET = "sink";
  static S3ProxyServer s3;

  @BeforeAll
  static void start() {
    s3 = S3ProxyServer.start();
    s3.createBucket(BUCKET);
  }

  @AfterAll
  static void stop() {
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void reachingThePartLimitFailsWithAHintAndLeavesNothingBehind() throws Exception {
    // S3's limit is 10,000 parts; the same code path with a limit of 2 needs only 15 MiB.
    int part = (int) MultipartUploadSink.MIN_PART_SIZE;
    MultipartUploadSink sink =
        MultipartUploadSink.start(
            s3.client(),
            settings(),
            "limit/app.dump",
            Map.of(),
            null,
            part,
            2,
            new Retrier(RetrySettings.defaults(), Clock.systemUTC()),
            2);
    byte[] chunk = new byte[part];
    sink.write(chunk);
    sink.write(chunk);
    assertThatThrownBy(
            () -> {
              sink.write(chunk);
              sink.complete();
            })
        .isInstanceOf(PartLimitExceeded.class)
        .hasMessageContaining("limit of 2 parts")
        .hasMessageContaining("raise --part-size (BACKUP_PART_SIZE)");
    sink.abort();
    assertThat(s3.openUploads(BUCKET)).isEmpty();
    assertThat(s3.keys(BUCKET)).isEmpty();
  }

  static S3Settings settings() {
    return new S3Settings(
        BUCKET,
        "",
        java.util.Optional.of(s3.endpoint()),
        java.util.Optional.empty(),
        true,
        S3Settings.ChecksumMode.WHEN_REQUIRED,
        java.util.Optional.empty(),
        java.util.Optional.empty(),
        "none",
        java.util.Optional.empty(),
        java.util.Optional.empty(),
        Map.of(),
        java.util.Optional.empty(),
        java.util.Optional.empty(),
        false,
        true);
  }
}
