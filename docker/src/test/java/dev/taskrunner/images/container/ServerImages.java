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
   * A Java runtime image for servers assembled from jars (S3Proxy): locally the JDK stand-in that
   * {@code docker/build.sh} builds for the image build, otherwise Temurin's public JRE image.
   */
  static DockerImageName java() {
    return TestImages.local()
        ? present(DockerImageName.parse("taskrunner-images/jdk:25"), "docker/build.sh")
        : DockerImageName.parse("eclipse-temurin:25-jre");
  }

  private static DockerImageName present(DockerImageName image, String builtBy) {
    try {
      DockerClientFactory.instance().client().inspectImageCmd(image.asCanonicalNameString()).exec();
    } catch (RuntimeException e) {
      throw new IllegalStateException(image + " is missing: run " + builtBy + " first", e);
    }
    return image;
  }

  /**
   * A Debian image with {@code openssl}, for {@code openssl s_server}. Only the local testbed image
   * has openssl preinstalled, so it is required in both modes; {@code docker/build.sh} and {@code
   * docker/testbed/setup.sh} build it.
   */
  static DockerImageName openssl() {
    return present(
        DockerImageName.parse(TestImages.LOCAL_DEBIAN), "docker/testbed/build-test-images.sh");
  }
}
