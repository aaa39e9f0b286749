package dev.taskrunner.images.container;

import dev.taskrunner.common.testing.TestImages;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.DockerImageName;

/**
 * Images of the servers the task images talk to in these tests. Together with {@link
 * dev.taskrunner.images.TaskImage} and common's {@link TestImages}, the only image names in this
 * module; no {@code latest}.
 */
final class ServerImages {
  private ServerImages() {}

  /** PostgreSQL 15 (local stand-in or the public image, per {@code TASKRUNNER_TEST_IMAGES}). */
  static DockerImageName postgres() {
    return TestImages.postgres();
  }

  /**
   * A Debian image with {@code openssl}, for {@code openssl s_server}. Only the local testbed image
   * has openssl preinstalled, so it is required in both modes; {@code docker/build.sh} and {@code
   * docker/testbed/setup.sh} build it.
   */
  static DockerImageName openssl() {
    DockerImageName image = DockerImageName.parse(TestImages.LOCAL_DEBIAN);
    try {
      DockerClientFactory.instance().client().inspectImageCmd(image.asCanonicalNameString()).exec();
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          image + " is missing: run docker/testbed/build-test-images.sh first", e);
    }
    return image;
  }
}
