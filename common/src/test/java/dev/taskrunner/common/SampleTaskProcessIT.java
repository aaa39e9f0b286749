package dev.taskrunner.common;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskrunner.common.testing.Pushgateway;
import dev.taskrunner.common.testing.TaskProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher contract seen from outside, as Kubernetes sees it: a child JVM, its stdout, its exit
 * code, and what it does on SIGTERM. Uses the test-only {@link SampleTask}; each task module runs
 * the same checks against its real jar.
 */
class SampleTaskProcessIT {

  private static TaskProcess start(Map<String, String> env, String... args) {
    List<String> jvm = new ArrayList<>(List.of("-cp", System.getProperty("java.class.path")));
    List<String> all = new ArrayList<>(List.of(SampleTask.class.getName()));
    all.addAll(List.of(args));
    return TaskProcess.startMain(jvm, env, all.toArray(String[]::new));
  }

  @Test
  void helpExitsZero() {
    TaskProcess p = start(Map.of(), "--help");
    assertThat(p.awaitExit(Duration.ofSeconds(30))).isZero();
    assertThat(p.stdout()).contains("--name").contains("SAMPLE_NAME").contains("PGPASSWORD");
  }

  @Test
  void unknownFlagExitsTwoWithOneJsonLineNamingIt() {
    TaskProcess p = start(Map.of(), "--name", "x", "--no-such-flag");
    assertThat(p.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
    List<JsonNode> lines = p.jsonLines();
    assertThat(lines).hasSize(1);
    assertThat(lines.getFirst().path("option").asText()).isEqualTo("--no-such-flag");
  }

  @Test
  void aRefusedConfigurationStillPushesTheRunStatus() throws Exception {
    // The flag is refused before the run starts; PUSHGATEWAY_URL came from the environment, so the
    // status of this run (2) reaches the dashboards like any failed run's.
    try (Pushgateway gateway = Pushgateway.start()) {
      TaskProcess p =
          start(Map.of("PUSHGATEWAY_URL", gateway.url().toString()), "--name", "x", "--bogus");
      assertThat(p.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
      List<JsonNode> errors =
          p.jsonLines().stream().filter(l -> l.path("level").asText().equals("ERROR")).toList();
      assertThat(errors).hasSize(1);
      assertThat(errors.getFirst().path("event").asText()).isEqualTo("config.invalid");
      assertThat(gateway.metrics())
          .containsPattern("taskrunner_run_status\\{[^}]*job=\"sample\"[^}]*\\} 2")
          .contains("taskrunner_last_run_timestamp_seconds{")
          .doesNotContain("taskrunner_last_success_timestamp_seconds{");
    }
  }

  @Test
  void missingRequiredOptionExitsTwo() {
    TaskProcess p = start(Map.of());
    assertThat(p.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
    assertThat(p.jsonLines().getFirst().path("option").asText()).contains("SAMPLE_NAME");
  }

  @Test
  void unreadableSecretFileExitsTwoNamingVariableAndPath(@TempDir Path dir) throws Exception {
    String secret = "unreadable-secret-4b1d";
    Path file = dir.resolve("password");
    Files.writeString(file, secret);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
    // The tests run as root; without the two capabilities that bypass permission bits the child
    // sees mode 000 as a non-root pod does.
    List<String> command =
        new ArrayList<>(
            List.of(
                "setpriv",
                "--bounding-set=-dac_override,-dac_read_search",
                "--",
                TaskProcess.javaExecutable().toString(),
                "-cp",
                System.getProperty("java.class.path"),
                SampleTask.class.getName(),
                "--name",
                "x"));
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().keySet().removeIf(k -> !k.equals("PATH") && !k.equals("HOME"));
    pb.environment().put("SAMPLE_PASSWORD_FILE", file.toString());
    Process child = pb.start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor()).as(out).isEqualTo(2);
    List<String> lines = out.lines().toList();
    assertThat(lines).hasSize(1);
    JsonNode line = new ObjectMapper().readTree(lines.getFirst());
    assertThat(line.path("option").asText()).isEqualTo("SAMPLE_PASSWORD_FILE");
    assertThat(line.path("reason").asText())
        .isEqualTo("file " + file + " cannot be read: permission denied");
    assertThat(out).doesNotContain(secret);
  }

  @Test
  void sigtermRunsCleanupNewestFirstPushesMetricsAndExits143(@TempDir Path dir) {
    String secret = "term-secret-0xdeadbeef";
    try (Pushgateway gateway = Pushgateway.start()) {
      TaskProcess p =
          start(
              Map.of("PUSHGATEWAY_URL", gateway.url().toString(), "SAMPLE_PASSWORD", secret),
              "--name",
              "x",
              "--wait",
              "60s",
              "--marker-dir",
              dir.toString(),
              "--shutdown-grace",
              "5s");
      p.awaitJson(n -> n.path("event").asText().equals("run.started"), Duration.ofSeconds(30));
      long sent = System.nanoTime();
      p.signal("TERM");
      assertThat(p.awaitExit(Duration.ofSeconds(15))).isEqualTo(143);
      assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofSeconds(5));
      assertThat(Files.readAllLines(dir.resolve("order")))
          .containsExactly("third", "second", "first");
      List<JsonNode> lines = p.jsonLines();
      assertThat(lines.getLast().path("event").asText()).isEqualTo("run.finished");
      assertThat(lines.getLast().path("exit_code").asInt()).isEqualTo(143);
      assertThat(p.stdout()).doesNotContain(secret);
      assertThat(gateway.metrics())
          .containsPattern("taskrunner_run_status\\{[^}]*job=\"sample\"[^}]*\\} 143")
          .doesNotContain("taskrunner_last_success_timestamp_seconds{");
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
