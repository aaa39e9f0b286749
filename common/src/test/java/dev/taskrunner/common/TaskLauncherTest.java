package dev.taskrunner.common;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskrunner.common.logging.LogFormat;
import dev.taskrunner.common.logging.LoggingSetup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher in-process: exit-code mapping, configuration errors and redaction of secrets. */
class TaskLauncherTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private PrintStream original;

  @BeforeEach
  void captureStdout() {
    original = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    LoggingSetup.reconfigure(LogFormat.JSON);
  }

  @AfterEach
  void restoreStdout() {
    System.setOut(original);
  }

  private int run(Map<String, String> env, String... args) {
    TaskLauncher launcher =
        new TaskLauncher(
            new TaskLauncher.Task("sample", "SAMPLE_"),
            new SampleTask(),
            env,
            Clock.fixed(Instant.parse("2026-03-08T08:30:00Z"), ZoneOffset.UTC));
    int code = launcher.execute(args);
    LoggingSetup.reconfigure(LogFormat.JSON);
    return code;
  }

  private List<JsonNode> lines() throws Exception {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        nodes.add(JSON.readTree(line));
      }
    }
    return nodes;
  }

  @Test
  void successExitsZeroAndEveryLineIsJsonWithTaskAndRunId() throws Exception {
    assertThat(run(Map.of(), "--name", "x")).isZero();
    List<JsonNode> lines = lines();
    assertThat(lines).isNotEmpty();
    assertThat(lines)
        .allSatisfy(
            n -> {
              assertThat(n.path("task").asText()).isEqualTo("sample");
              assertThat(n.path("run_id").asText()).hasSize(12);
              assertThat(n.path("@timestamp").asText()).endsWith("Z");
            });
    assertThat(lines)
        .anySatisfy(n -> assertThat(n.path("event").asText()).isEqualTo("config.effective"));
    assertThat(lines.getLast().path("event").asText()).isEqualTo("run.finished");
  }

  @Test
  void exitCodesFollowTheTable() {
    assertThat(run(Map.of(), "--name", "x", "--outcome", "failure")).isEqualTo(1);
    assertThat(run(Map.of(), "--name", "x", "--outcome", "crash")).isEqualTo(1);
    assertThat(run(Map.of(), "--name", "x", "--outcome", "partial")).isEqualTo(3);
    assertThat(run(Map.of(), "--name", "x", "--outcome", "usage")).isEqualTo(2);
  }

  @Test
  void unknownFlagIsOneJsonLineNamingItAndExitTwo() throws Exception {
    assertThat(run(Map.of(), "--name", "x", "--no-such-flag")).isEqualTo(2);
    List<JsonNode> lines = lines();
    assertThat(lines).hasSize(1);
    assertThat(lines.getFirst().path("event").asText()).isEqualTo("config.invalid");
    assertThat(lines.getFirst().path("option").asText()).isEqualTo("--no-such-flag");
  }

  @Test
  void unknownFlagIsNamedEvenWhenARequiredOptionIsMissingToo() throws Exception {
    // picocli reports the missing option first; a typo in a flag's name is the real cause.
    assertThat(run(Map.of(), "--no-such-flag")).isEqualTo(2);
    List<JsonNode> lines = lines();
    assertThat(lines).hasSize(1);
    assertThat(lines.getFirst().path("option").asText()).isEqualTo("--no-such-flag");
    assertThat(lines.getFirst().path("reason").asText()).isEqualTo("unknown option or argument");
  }

  @Test
  void missingRequiredOptionNamesFlagAndVariable() throws Exception {
    assertThat(run(Map.of())).isEqualTo(2);
    JsonNode line = lines().getFirst();
    assertThat(line.path("option").asText()).contains("--name").contains("SAMPLE_NAME");
    assertThat(line.path("reason").asText()).isEqualTo("missing required option");
  }

  @Test
  void missingSecretFileNamesTheVariable(@TempDir Path dir) throws Exception {
    assertThat(run(Map.of("SAMPLE_PASSWORD_FILE", dir.resolve("absent").toString()), "--name", "x"))
        .isEqualTo(2);
    JsonNode line = lines().getFirst();
    assertThat(line.path("option").asText()).isEqualTo("SAMPLE_PASSWORD_FILE");
    assertThat(line.path("reason").asText()).contains("does not exist");
  }

  @Test
  void secretFileThatIsADirectoryIsOneLineNamingVariableAndPath(@TempDir Path dir)
      throws Exception {
    assertThat(run(Map.of("SAMPLE_PASSWORD_FILE", dir.toString()), "--name", "x")).isEqualTo(2);
    List<JsonNode> lines = lines();
    assertThat(lines).hasSize(1);
    assertThat(lines.getFirst().path("option").asText()).isEqualTo("SAMPLE_PASSWORD_FILE");
    assertThat(lines.getFirst().path("reason").asText())
        .isEqualTo("file " + dir + " is a directory");
  }

  @Test
  void emptyVariableIsUnsetAndNamedInTheEffectiveConfiguration() throws Exception {
    // A manifest's `value: ""`: the default applies, and the start-up line says why.
    assertThat(run(Map.of("SAMPLE_WAIT", "", "SAMPLE_CHUNK_FILE", ""), "--name", "x")).isZero();
    JsonNode config =
        lines().stream()
            .filter(n -> n.path("event").asText().equals("config.effective"))
            .findFirst()
            .orElseThrow();
    assertThat(config.path("sources").path("wait").asText()).isEqualTo("default");
    assertThat(config.path("config").path("wait").asText()).isEqualTo("PT0S");
    List<String> empty = new ArrayList<>();
    config.path("empty_variables").forEach(n -> empty.add(n.asText()));
    assertThat(empty).containsExactlyInAnyOrder("SAMPLE_WAIT", "SAMPLE_CHUNK_FILE");
  }

  @Test
  void emptyFlagValueIsValidatedLikeAnyOther() throws Exception {
    assertThat(run(Map.of(), "--name", "x", "--wait", "")).isEqualTo(2);
    JsonNode line = lines().getFirst();
    assertThat(line.path("option").asText()).contains("--wait");
    assertThat(line.path("reason").asText()).contains("empty duration");
  }

  @Test
  void malformedDurationIsAConfigurationError() throws Exception {
    assertThat(run(Map.of("SAMPLE_WAIT", "ten seconds"), "--name", "x")).isEqualTo(2);
    JsonNode line = lines().getFirst();
    assertThat(line.path("option").asText()).contains("--wait");
    assertThat(line.path("reason").asText()).contains("ten seconds").contains("30d");
    // Said once, without picocli's wrapping or an exception class.
    assertThat(line.path("reason").asText())
        .startsWith("invalid duration 'ten seconds'")
        .doesNotContain("Invalid value for option")
        .doesNotContain("java.lang.");
  }

  @Test
  void progressIntervalOfZeroIsAConfigurationErrorNamingTheOption() throws Exception {
    // 0s used to be accepted and became a progress event every millisecond.
    for (String[] args :
        List.of(
            new String[] {"--name", "x", "--progress-interval", "0s"},
            new String[] {"--name", "x", "--progress-interval", "PT0.0001S"})) {
      out.reset();
      assertThat(run(Map.of(), args)).as(String.join(" ", args)).isEqualTo(2);
      List<JsonNode> lines = lines();
      assertThat(lines).hasSize(1);
      assertThat(lines.getFirst().path("event").asText()).isEqualTo("config.invalid");
      assertThat(lines.getFirst().path("option").asText())
          .contains("--progress-interval")
          .contains("SAMPLE_PROGRESS_INTERVAL");
      assertThat(lines.getFirst().path("reason").asText()).contains("at least 1ms");
    }
    out.reset();
    assertThat(run(Map.of("SAMPLE_PROGRESS_INTERVAL", "0ms"), "--name", "x")).isEqualTo(2);
    assertThat(lines().getFirst().path("option").asText()).contains("--progress-interval");
  }

  @Test
  void unusableSharedOptionsAreConfigurationErrorsNamingThem() throws Exception {
    Map<String, List<String>> cases =
        Map.of(
            "--retry-max-attempts", List.of("--retry-max-attempts", "0"),
            "--retry-initial-delay", List.of("--retry-initial-delay", "30s"),
            "--shutdown-grace", List.of("--shutdown-grace", "0s"));
    for (var c : cases.entrySet()) {
      out.reset();
      List<String> args = new ArrayList<>(List.of("--name", "x"));
      args.addAll(c.getValue());
      int code;
      try {
        code = run(Map.of(), args.toArray(String[]::new));
      } catch (RuntimeException e) {
        throw new AssertionError(c.getValue() + " escaped the launcher: " + e, e);
      }
      assertThat(code).as(String.join(" ", c.getValue())).isEqualTo(2);
      List<JsonNode> lines = lines();
      assertThat(lines).as(c.getKey()).hasSize(1);
      assertThat(lines.getFirst().path("option").asText()).startsWith(c.getKey());
    }
  }

  @Test
  void negativeProgressIntervalIsAConfigurationError() throws Exception {
    assertThat(run(Map.of(), "--name", "x", "--progress-interval", "PT-10S")).isEqualTo(2);
    JsonNode line = lines().getFirst();
    assertThat(line.path("option").asText()).contains("--progress-interval");
    assertThat(line.path("reason").asText()).contains("negative");
  }

  @Test
  void secretFromEnvironmentNeverReachesTheOutput() {
    String secret = "env-S3cr3t!@#:/%&$'\"\\ -x";
    assertThat(run(Map.of("SAMPLE_PASSWORD", secret), "--name", "x", "--outcome", "crash"))
        .isEqualTo(1);
    assertNoSecret(secret);
  }

  @Test
  void secretFromFileNeverReachesTheOutput(@TempDir Path dir) throws Exception {
    String secret = "file-secret-value-9f8e7d";
    Path file = dir.resolve("password");
    Files.writeString(file, secret + "\n");
    assertThat(
            run(
                Map.of("SAMPLE_PASSWORD_FILE", file.toString()),
                "--name",
                "x",
                "--outcome",
                "failure"))
        .isEqualTo(1);
    assertNoSecret(secret);
  }

  @Test
  void secretInsideAnExceptionMessageAndStackTraceIsRedacted() {
    String secret = "pg-password-in-exception";
    assertThat(run(Map.of("PGPASSWORD", secret), "--name", "x", "--outcome", "crash")).isEqualTo(1);
    String output = out.toString(StandardCharsets.UTF_8);
    assertThat(output).contains("stack_trace").contains("boom with ***");
    assertNoSecret(secret);
  }

  /**
   * Checks the decoded field values, not only the raw text, since JSON escapes quotes and slashes.
   */
  private void assertNoSecret(String secret) {
    String output = out.toString(StandardCharsets.UTF_8);
    assertThat(output).isNotEmpty().doesNotContain(secret);
    StringBuilder decoded = new StringBuilder();
    try {
      for (JsonNode line : lines()) {
        collect(line, decoded);
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertThat(decoded.toString()).doesNotContain(secret).contains("***");
  }

  private static void collect(JsonNode node, StringBuilder into) {
    if (node.isValueNode()) {
      into.append(node.asText()).append('\n');
    }
    node.forEach(child -> collect(child, into));
  }
}
