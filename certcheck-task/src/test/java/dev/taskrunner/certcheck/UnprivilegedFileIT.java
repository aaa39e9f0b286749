package dev.taskrunner.certcheck;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskrunner.certcheck.testing.TestPki;
import dev.taskrunner.certcheck.testing.TestPki.Issued;
import dev.taskrunner.common.testing.TaskProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A certificate file the task's user cannot read must be {@code ERROR(permission_denied)}, not
 * silence. Tests run as root here, and root reads mode-000 files, so the task jar is run as the
 * unprivileged user {@code nobody} (65534) through util-linux {@code setpriv}, the way the image
 * runs it as a non-root user. When the test JVM is not root, the jar runs as the current user.
 */
class UnprivilegedFileIT {
  static final int NOBODY = 65534;

  @TempDir Path dir;

  @Test
  void unreadableFileIsPermissionDeniedWhileOtherFilesAreReported() throws Exception {
    Instant now = Instant.now();
    Issued ca = TestPki.root("Perm CA", now, 10);
    Issued leaf =
        TestPki.cert("CN=readable")
            .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(200)))
            .signedBy(ca);
    // The test's @TempDir is private to root; nobody must be able to traverse it.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path readable = dir.resolve("readable.pem");
    Path secret = dir.resolve("secret.pem");
    Files.writeString(readable, leaf.pem());
    Files.writeString(secret, leaf.pem());
    Files.setPosixFilePermissions(readable, PosixFilePermissions.fromString("rw-r--r--"));
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));

    Result run = runUnprivileged("--file=" + readable, "--file=" + secret);

    Map<String, JsonNode> results = new HashMap<>();
    for (JsonNode event : run.events()) {
      if ("certcheck.result".equals(event.path("event").asText())) {
        results.put(event.get("target").asText(), event);
      }
    }
    assertThat(results).as(run.output()).containsKeys(readable.toString(), secret.toString());
    assertThat(results.get(secret.toString()).get("status").asText()).isEqualTo("ERROR");
    assertThat(results.get(secret.toString()).get("reason").asText())
        .isEqualTo("permission_denied");
    assertThat(results.get(readable.toString()).get("status").asText()).isEqualTo("OK");
    // A file that could not be read is a scan failure: exit 3 (conventions §2).
    assertThat(run.exitCode()).as(run.output()).isEqualTo(3);
  }

  record Result(int exitCode, List<JsonNode> events, String output) {}

  /** Runs the task jar as nobody (when root) with a minimal environment. */
  static Result runUnprivileged(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      Path setpriv = Path.of("/usr/bin/setpriv");
      assertThat(Files.isExecutable(setpriv))
          .as(
              "tests run as root, where every file is readable: the permission test needs"
                  + " util-linux setpriv (%s) to drop to uid %d; install util-linux",
              setpriv, NOBODY)
          .isTrue();
      command.addAll(
          List.of(
              setpriv.toString(),
              "--reuid=" + NOBODY,
              "--regid=" + NOBODY,
              "--clear-groups",
              "--"));
    }
    command.addAll(
        List.of(
            TaskProcess.javaExecutable().toString(),
            "-XX:-UsePerfData",
            "-Xlog:all=warning:stderr",
            "-jar",
            TaskProcess.taskJar().toAbsolutePath().toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(Path.of("/").toFile());
    Map<String, String> env = builder.environment();
    String path = env.get("PATH");
    env.clear();
    env.put("PATH", path);
    env.put("HOME", "/nonexistent");
    Path stderr = Files.createTempFile("certcheck-unprivileged", ".err");
    builder.redirectError(stderr.toFile());
    Process process = builder.start();
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("task did not finish: " + stdout);
    }
    String output = stdout + Files.readString(stderr);
    Files.delete(stderr);
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> events = new ArrayList<>();
    for (String line : stdout.split("\n")) {
      if (!line.isBlank()) {
        events.add(parse(json, line, output));
      }
    }
    return new Result(process.exitValue(), events, output);
  }

  private static JsonNode parse(ObjectMapper json, String line, String output) {
    try {
      return json.readTree(line);
    } catch (IOException e) {
      throw new AssertionError("stdout line is not JSON: " + line + "\n" + output, e);
    }
  }
}
