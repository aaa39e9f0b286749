package dev.taskrunner.images.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.model.ContainerConfig;
import dev.taskrunner.images.TaskImage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.testcontainers.DockerClientFactory;

/** What every image must be, whatever its task: checked on the image and in a hardened run. */
class ImageHardeningIT {

  private static ContainerConfig config(TaskImage image) {
    InspectImageResponse inspect =
        DockerClientFactory.instance().client().inspectImageCmd(image.image()).exec();
    return inspect.getConfig();
  }

  @ParameterizedTest
  @EnumSource(TaskImage.class)
  void runsAsNumericNonRootUserWithFlagsInTheEntrypoint(TaskImage image) {
    ContainerConfig config = config(image);
    // Numeric, so the kubelet can verify runAsNonRoot without a passwd lookup.
    assertThat(config.getUser()).isEqualTo("65532:65532");
    List<String> entrypoint = Arrays.asList(config.getEntrypoint());
    assertThat(entrypoint.getFirst()).isEqualTo("/opt/java/bin/java");
    assertThat(entrypoint)
        .contains(
            "-XX:MaxRAMPercentage=75",
            "-XX:+ExitOnOutOfMemoryError",
            "-XX:+DisplayVMOutputToStderr",
            "-XX:-UsePerfData",
            "-Xlog:disable",
            "-Xlog:all=warning:stderr",
            "-XX:AOTCache=/app/app.aot")
        .endsWith("-jar", "/app/task.jar");
    List<String> env = Arrays.asList(config.getEnv());
    assertThat(env).contains("LANG=C.UTF-8");
    // Flags in JAVA_TOOL_OPTIONS would print "Picked up ..." and could be overridden by the pod.
    assertThat(env).noneMatch(e -> e.startsWith("JAVA_TOOL_OPTIONS="));
    assertThat(config.getLabels())
        .containsKeys(
            "org.opencontainers.image.source",
            "org.opencontainers.image.version",
            "org.opencontainers.image.revision")
        .containsEntry("dev.taskrunner.sbom", "/app/sbom.cdx.json");
  }

  @ParameterizedTest
  @EnumSource(TaskImage.class)
  void layersGoFromLeastToMostOftenChanged(TaskImage image) throws Exception {
    // docker history (the CLI docker/build.sh uses; the Java client has no history call) lists the
    // newest layer first; reversed, it is the order of the Dockerfile's COPYs.
    Process history =
        new ProcessBuilder(
                "docker", "history", "--no-trunc", "--format", "{{.CreatedBy}}", image.image())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    List<String> copies =
        new ArrayList<>(
            new String(history.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .lines()
                .toList());
    assertThat(history.waitFor()).isZero();
    Collections.reverse(copies);
    List<String> order =
        List.of("/opt/java/", "/app/lib/", "/app/task.jar", "/app/app.aot", "/app/sbom.cdx.json");
    List<Integer> positions =
        order.stream()
            .map(
                target ->
                    copies.stream()
                        .filter(c -> c.contains("COPY") && c.contains(" " + target))
                        .findFirst()
                        .map(copies::indexOf)
                        .orElse(-1))
            .toList();
    assertThat(positions).as("layers %s in %s", order, copies).doesNotContain(-1).isSorted();
  }

  @ParameterizedTest
  @EnumSource(TaskImage.class)
  void withoutAUserFromTheRuntimeTheJvmRunsAsNonroot(TaskImage image) {
    // No --user: the image's own USER applies, as on a cluster that sets only runAsNonRoot.
    TaskRun run =
        new HardenedContainer(image.image())
            .withCreateContainerCmdModifier(
                cmd ->
                    cmd.withUser("")
                        .withEntrypoint(
                            "/opt/java/bin/java", "-XshowSettings:properties", "-version"))
            .run();
    assertThat(run.exitCode()).as(run.describe()).isZero();
    assertThat(run.stderr()).as(run.describe()).contains("user.name = nonroot");
  }

  @ParameterizedTest
  @EnumSource(TaskImage.class)
  void helpExitsZeroAndListsTheEnvironment(TaskImage image) {
    TaskRun run = new HardenedContainer(image.image()).withCommand("--help").run();
    assertThat(run.exitCode()).as(run.describe()).isZero();
    assertThat(run.stdout()).contains("Environment (precedence");
  }

  @ParameterizedTest
  @EnumSource(TaskImage.class)
  void aotCacheIsUsableByThisRuntime(TaskImage image) {
    // AOTMode=on turns an unusable (stale, mismatched) cache into a start-up failure instead of a
    // warning, so a cache trained on another JDK build or class path fails here.
    TaskRun run =
        new HardenedContainer(image.image())
            .withEnv("JDK_JAVA_OPTIONS", "-XX:AOTMode=on")
            .withCommand("--version")
            .run();
    assertThat(run.exitCode()).as(run.describe()).isZero();
    assertThat(run.stdout().strip()).isNotEmpty().doesNotContain("\n");
    assertThat(run.stderr()).doesNotContainIgnoringCase("error");
  }

  @ParameterizedTest
  @EnumSource(TaskImage.class)
  void outOfHeapExitsThreeAtOnceAndStdoutStaysJson(TaskImage image) {
    // A heap too small to start: the entrypoint's flags decide what the Job sees. The README's exit
    // codes say 3 (the JVM's code for ExitOnOutOfMemoryError: no retry) with the reason on stderr;
    // CrashOnOutOfMemoryError would print its crash report on stdout. The AOT cache is off because
    // its archived heap objects alone need more than 2 MiB.
    TaskRun run =
        new HardenedContainer(image.image())
            .withEnv("JDK_JAVA_OPTIONS", "-XX:AOTMode=off -Xmx2m")
            .withCommand("--help")
            .run();
    assertThat(run.exitCode()).as(run.describe()).isEqualTo(3);
    assertThat(run.stderr()).contains("Terminating due to java.lang.OutOfMemoryError");
    assertThat(run.stdout().lines()).as(run.describe()).allMatch(l -> l.startsWith("{"));
  }

  @ParameterizedTest
  @EnumSource(TaskImage.class)
  void badOptionExitsTwoWithOneJsonErrorLine(TaskImage image) {
    TaskRun run = new HardenedContainer(image.image()).withCommand("--no-such-option").run();
    assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
    List<JsonNode> lines = run.jsonLines();
    assertThat(run.events("config.invalid")).as(run.describe()).hasSize(1);
    assertThat(lines)
        .allSatisfy(line -> assertThat(line.path("task").asText()).isEqualTo(image.task()));
  }

  @ParameterizedTest
  @EnumSource(TaskImage.class)
  void jvmWarningsGoToStderrSoStdoutStaysJson(TaskImage image) {
    // The image's own entrypoint with its cache path pointed at a file that does not exist: the
    // JVM reports the unusable cache through unified logging, whose default output is stdout.
    List<String> entrypoint =
        Arrays.stream(config(image).getEntrypoint())
            .map(a -> a.startsWith("-XX:AOTCache=") ? "-XX:AOTCache=/tmp/missing.aot" : a)
            .toList();
    TaskRun run =
        new HardenedContainer(image.image())
            .withCreateContainerCmdModifier(
                cmd -> cmd.withEntrypoint(entrypoint.toArray(String[]::new)))
            .withCommand("--version")
            .run();
    assertThat(run.exitCode()).as(run.describe()).isZero();
    assertThat(run.stderr()).as(run.describe()).contains("[aot]");
    assertThat(run.stdout().strip()).as(run.describe()).doesNotContain("\n").doesNotContain("[");
  }

  @ParameterizedTest
  @EnumSource(TaskImage.class)
  void hasNoShell(TaskImage image) {
    // The base has no /bin/sh (the backup image gets only the PostgreSQL client programs and their
    // libraries): an attacker who gets code execution cannot spawn one, and a
    // "kubectl exec ... sh" finds nothing either.
    for (String shell : List.of("sh", "/bin/sh", "/bin/bash", "/usr/bin/busybox")) {
      HardenedContainer container =
          new HardenedContainer(image.image())
              .withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint(shell, "-c", "id"));
      assertThatThrownBy(container::run)
          .as("starting %s in %s", shell, image.image())
          .satisfiesAnyOf(
              e -> assertThat(e).hasStackTraceContaining("executable file not found"),
              e -> assertThat(e).hasStackTraceContaining("no such file or directory"));
    }
  }
}
