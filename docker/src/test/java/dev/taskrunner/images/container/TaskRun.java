package dev.taskrunner.images.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * What one run of a task container left behind.
 *
 * @param exitCode the container's exit code (the JVM's, since java is PID 1)
 * @param stdout everything the task wrote to stdout
 * @param stderr everything it wrote to stderr (JVM warnings belong here)
 */
public record TaskRun(int exitCode, String stdout, String stderr) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Every stdout line parsed as one JSON object. Fails, naming the line, if any line is not JSON:
   * log shippers split on newlines, so one stray line breaks the stream.
   */
  public List<JsonNode> jsonLines() {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : stdout.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      JsonNode node;
      try {
        node = JSON.readTree(line);
      } catch (Exception e) {
        throw new AssertionError("stdout line is not JSON: " + line + "\n--- stderr:\n" + stderr);
      }
      if (node == null || !node.isObject()) {
        throw new AssertionError("stdout line is not a JSON object: " + line);
      }
      lines.add(node);
    }
    return lines;
  }

  /** The JSON lines whose {@code event} field is {@code name}. */
  public List<JsonNode> events(String name) {
    return jsonLines().stream().filter(n -> name.equals(n.path("event").asText())).toList();
  }

  /** Output for assertion messages. */
  public String describe() {
    return "exit " + exitCode + "\n--- stdout:\n" + stdout + "\n--- stderr:\n" + stderr;
  }
}
