package dev.taskrunner.certcheck.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.taskrunner.certcheck.result.TargetResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --report FILE}: the whole result as one JSON document. Written to a temporary file in the
 * same directory and moved into place, so a reader never sees half a report.
 */
public final class ReportFile {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ReportFile() {}

  /** Fails early (before any scan) when the report cannot be written where asked. */
  public static void checkWritable(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new IOException("directory " + dir + " does not exist");
    }
    if (!Files.isWritable(dir)) {
      throw new IOException("directory " + dir + " is not writable");
    }
    // Found now, not after the whole scan when the rename onto it fails.
    if (Files.isDirectory(file)) {
      throw new IOException(file + " is a directory; give a file name");
    }
  }

  public static void write(
      Path file,
      String runId,
      Instant generatedAt,
      Map<String, Object> settings,
      RunSummary summary,
      int exitCode,
      List<TargetResult> results)
      throws IOException {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("run_id", runId);
    doc.put("generated_at", generatedAt.toString());
    doc.put("settings", settings);
    doc.put("exit_code", exitCode);
    doc.put("summary", summary.fields());
    doc.put("results", results.stream().map(ResultFields::withCertificates).toList());
    Path target = file.toAbsolutePath();
    Path tmp = Files.createTempFile(target.getParent(), ".certcheck-report", ".tmp");
    try {
      JSON.writeValue(tmp.toFile(), doc);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
