package dev.taskrunner.images;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The three task images and where their jars are built. Image names live here and nowhere else
 * (Testcontainers' habit): {@code <prefix>/<task>-task:<tag>} as {@code docker/build.sh} tags them,
 * the tag being the project version (system properties {@code taskrunner.images.prefix} and {@code
 * taskrunner.images.tag}, set by the POM).
 */
public enum TaskImage {
  BACKUP,
  CLEANUP,
  CERTCHECK;

  /** All three, as a stream. */
  public static Stream<TaskImage> stream() {
    return Arrays.stream(values());
  }

  /** Task name as the launcher knows it: {@code backup}, {@code cleanup}, {@code certcheck}. */
  public String task() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Maven module and image repository name, e.g. {@code cleanup-task}. */
  public String module() {
    return task() + "-task";
  }

  /** The image under test, e.g. {@code taskrunner/cleanup-task:0.1.0-SNAPSHOT}. */
  public String image() {
    return prefix() + "/" + module() + ":" + tag();
  }

  /** The task's thin jar, as the image build copies it ({@code <module>/target/<module>.jar}). */
  public Path jar() {
    return repoRoot().resolve(module()).resolve("target").resolve(module() + ".jar");
  }

  /** Root of the repository checkout. */
  public static Path repoRoot() {
    return Path.of(required("taskrunner.repo.root")).toAbsolutePath().normalize();
  }

  private static String prefix() {
    return System.getProperty("taskrunner.images.prefix", "taskrunner");
  }

  private static String tag() {
    return required("taskrunner.images.tag");
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          "system property "
              + property
              + " is not set: run the tests through Maven (docker/pom.xml)");
    }
    return value;
  }
}
