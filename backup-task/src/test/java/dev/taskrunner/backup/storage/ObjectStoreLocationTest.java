package dev.taskrunner.backup.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** Error messages name the endpoint, never a credential someone wrote into its URL. */
class ObjectStoreLocationTest {
  @Test
  void userInfoQueryAndFragmentAreDropped() {
    assertThat(
            ObjectStore.withoutCredentials(
                URI.create("https://AKIAEXAMPLE:s3cr3t-value@minio.example:9000/base?X-Amz-x=1#f")))
        .isEqualTo("https://minio.example:9000/base")
        .doesNotContain("s3cr3t-value")
        .doesNotContain("AKIAEXAMPLE");
    assertThat(ObjectStore.withoutCredentials(URI.create("http://127.0.0.1:9000")))
        .isEqualTo("http://127.0.0.1:9000");
  }
}
