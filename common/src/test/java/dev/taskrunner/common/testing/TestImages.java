package dev.taskrunner.common.testing;

import java.util.Locale;
import org.testcontainers.utility.DockerImageName;

/**
 * Every container image the tests use, in one place (Testcontainers' habit: no image name
 * elsewhere, no {@code latest}).
 *
 * <p>{@code TASKRUNNER_TEST_IMAGES=local} (what {@code ./test.sh} sets) uses the stand-ins that
 * {@code docker/testbed/build-test-images.sh} builds from Debian packages, for machines without a
 * registry. Otherwise the public images below are pulled. Their tags are major-version tags: pin
 * them by digest in your own fork's CI, since no digest could be verified where this was written.
 */
public final class TestImages {
  private TestImages() {}

  /** Public image for PostgreSQL 15, the major that Debian 12's pg_dump (15) can dump. */
  public static final String PUBLIC_POSTGRES = "postgres:15";

  /** Local stand-in, built from Debian's postgresql-15 by the testbed scripts. */
  public static final String LOCAL_POSTGRES = "taskrunner-testbed/postgres:15";

  /** Plain Debian base with openssl and the PostgreSQL client tools (local builds only). */
  public static final String LOCAL_DEBIAN = "taskrunner-testbed/debian:bookworm";

  public static boolean local() {
    String mode = System.getenv("TASKRUNNER_TEST_IMAGES");
    return mode != null && mode.toLowerCase(Locale.ROOT).equals("local");
  }

  /** A PostgreSQL image that Testcontainers' PostgreSQL module accepts. */
  public static DockerImageName postgres() {
    return local()
        ? DockerImageName.parse(LOCAL_POSTGRES).asCompatibleSubstituteFor("postgres")
        : DockerImageName.parse(PUBLIC_POSTGRES);
  }
}
