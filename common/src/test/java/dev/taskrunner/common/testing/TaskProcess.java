package dev.taskrunner.common.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs a task jar as a child process, the way a container runs it: {@code java -jar <jar> args}
 * with a chosen environment (the parent's environment is NOT inherited, except PATH, HOME and
 * TESTCONTAINERS_*), capturing stdout line by line and stderr whole.
 */
public final class TaskProcess implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final List<String> stdout = new CopyOnWriteArrayList<>();
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  private final Thread stdoutPump;
  private final Thread stderrPump;

  private TaskProcess(Process process) {
    this.process = process;
    this.stdoutPump =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  try (var reader = process.inputReader(StandardCharsets.UTF_8)) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                      stdout.add(line);
                    }
                  } catch (IOException ignored) {
                    // process ended
                  }
                });
    this.stderrPump =
        Thread.ofPlatform().daemon().start(() -> copy(process.getErrorStream(), stderr));
  }

  /** The jar under test: the failsafe property {@code taskrunner.task.jar} of task modules. */
  public static Path taskJar() {
    String jar = System.getProperty("taskrunner.task.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException(
          "system property taskrunner.task.jar does not name a built jar: " + jar);
    }
    return Path.of(jar);
  }

  /** The JVM running the tests; the child uses the same one. */
  public static Path javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /** Starts {@code java [jvmArgs] -jar jar args} with exactly {@code env} (plus PATH/HOME). */
  public static TaskProcess start(
      Path jar, List<String> jvmArgs, Map<String, String> env, String... args) {
    List<String> tail = new ArrayList<>(List.of("-jar", jar.toString()));
    tail.addAll(List.of(args));
    return launch(jvmArgs, tail, env);
  }

  /**
   * Starts {@code java [jvmArgs] mainClassAndArgs...}: for launcher tests that run a test-only main
   * class from the test class path instead of a task jar.
   */
  public static TaskProcess startMain(
      List<String> jvmArgs, Map<String, String> env, String... mainClassAndArgs) {
    return launch(jvmArgs, List.of(mainClassAndArgs), env);
  }

  private static TaskProcess launch(
      List<String> jvmArgs, List<String> tail, Map<String, String> env) {
    List<String> command = new ArrayList<>();
    command.add(javaExecutable().toString());
    command.add("-Xlog:all=warning:stderr");
    command.addAll(jvmArgs);
    command.addAll(tail);
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> childEnv = builder.environment();
    Map<String, String> parent = Map.copyOf(childEnv);
    childEnv.clear();
    parent.forEach(
        (k, v) -> {
          if (k.equals("PATH") || k.equals("HOME") || k.startsWith("TESTCONTAINERS_")) {
            childEnv.put(k, v);
          }
        });
    childEnv.putAll(env);
    try {
      return new TaskProcess(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs to completion (or fails the test after {@code timeout}). */
  public static TaskProcess run(
      Path jar, Map<String, String> env, Duration timeout, String... args) {
    TaskProcess p = start(jar, List.of(), env, args);
    p.awaitExit(timeout);
    return p;
  }

  public long pid() {
    return process.pid();
  }

  public Process process() {
    return process;
  }

  /** Waits for exit; kills the process and throws if it takes longer than {@code timeout}. */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(
            "task did not exit within "
                + timeout
                + "; stdout so far:\n"
                + String.join("\n", stdout));
      }
      stdoutPump.join(5_000);
      stderrPump.join(5_000);
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  public int exitCode() {
    return process.exitValue();
  }

  /** Sends a signal by name (TERM, INT, KILL) with kill(1). */
  public void signal(String name) {
    try {
      new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
          .inheritIO()
          .start()
          .waitFor();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits until a stdout line matches, e.g. a JSON event; fails after {@code timeout}. */
  public JsonNode awaitJson(Predicate<JsonNode> match, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = 0;
    while (System.nanoTime() < deadline) {
      List<String> lines = stdout;
      for (int i = seen; i < lines.size(); i++) {
        JsonNode node = tryParse(lines.get(i));
        if (node != null && match.test(node)) {
          return node;
        }
      }
      seen = lines.size();
      if (!process.isAlive() && seen == stdout.size()) {
        break;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new AssertionError(
        "no matching stdout line within " + timeout + "; stdout:\n" + String.join("\n", stdout));
  }

  public List<String> stdoutLines() {
    return List.copyOf(stdout);
  }

  public String stdout() {
    return String.join("\n", stdout);
  }

  public String stderr() {
    synchronized (stderr) {
      return stderr.toString(StandardCharsets.UTF_8);
    }
  }

  /** Every stdout line parsed as JSON; throws AssertionError naming the first line that is not. */
  public List<JsonNode> jsonLines() {
    List<JsonNode> out = new ArrayList<>();
    for (String line : stdout) {
      JsonNode node = tryParse(line);
      if (node == null || !node.isObject()) {
        throw new AssertionError("stdout line is not a JSON object: " + line);
      }
      out.add(node);
    }
    return out;
  }

  /** JSON lines whose {@code event} field equals {@code event}. */
  public List<JsonNode> events(String event) {
    return jsonLines().stream().filter(n -> event.equals(n.path("event").asText())).toList();
  }

  private static JsonNode tryParse(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      return null;
    }
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    byte[] buffer = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        synchronized (out) {
          out.write(buffer, 0, n);
        }
      }
    } catch (IOException ignored) {
      // process ended
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
