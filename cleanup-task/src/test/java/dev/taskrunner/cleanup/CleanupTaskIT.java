package dev.taskrunner.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskrunner.common.testing.Pushgateway;
import dev.taskrunner.common.testing.TaskProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The task jar as Kubernetes runs it: a child JVM, one JSON object per stdout line, the exit codes
 * of the README, the summary event, and the metrics a real Pushgateway received.
 */
class CleanupTaskIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final FileTime OLD = FileTime.from(Instant.now().minus(Duration.ofDays(40)));
  private static final FileTime YOUNG = FileTime.from(Instant.now().minus(Duration.ofDays(1)));
  private static final List<String> HOSTILE =
      List.of("$(touch pwned)", ";id>x;", "`touch pwned`", "-rf", "a\nb", "x".repeat(255));

  private static Pushgateway gateway;

  @TempDir Path tmp;

  @BeforeAll
  static void startGateway() {
    gateway = Pushgateway.start();
  }

  @AfterAll
  static void stopGateway() {
    gateway.close();
  }

  private static Path file(Path p, FileTime mtime) throws IOException {
    Files.createDirectories(p.getParent());
    Files.write(p, new byte[100]);
    Files.setLastModifiedTime(p, mtime);
    return p;
  }

  private static TaskProcess run(Map<String, String> env, String... args) {
    return TaskProcess.run(TaskProcess.taskJar(), env, TIMEOUT, args);
  }

  /** A regex for one Pushgateway sample of job "cleanup" with the given labels and value. */
  private static String sample(String metric, String suite, String reason, long value) {
    return "taskrunner_"
        + metric
        + "\\{(?=[^}]*job=\"cleanup\")(?=[^}]*suite=\""
        + suite
        + "\")"
        + (reason == null ? "" : "(?=[^}]*reason=\"" + reason + "\")")
        + "[^}]*\\} "
        + value
        + "\n";
  }

  private static JsonNode single(TaskProcess p, String event) {
    List<JsonNode> found = p.events(event);
    assertThat(found).as(event + " events in\n" + p.stdout()).hasSize(1);
    return found.getFirst();
  }

  /** relative name -> "inode ctime mtime" of every entry, links not followed. */
  private static Map<String, String> snapshot(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        out.put(
            dir.relativize(p).toString(),
            Files.readAttributes(p, "unix:ino,ctime,lastModifiedTime", LinkOption.NOFOLLOW_LINKS)
                .toString());
      }
    }
    return out;
  }

  private Path hostileTree() throws IOException {
    Path root = Files.createDirectories(tmp.resolve("logs"));
    for (String name : HOSTILE) {
      file(root.resolve(name), OLD);
    }
    file(root.resolve("app/old.log"), OLD);
    file(root.resolve("app/new.log"), YOUNG);
    file(root.resolve("app/skewed.log"), FileTime.from(Instant.now().plus(Duration.ofDays(3))));
    return root;
  }

  @Test
  @DisplayName(
      "a real pass: exit 0, JSON lines only, progress, summary, metrics on the Pushgateway")
  void realPassReportsAndPushes() throws IOException {
    Path root = hostileTree();
    for (int i = 0; i < 1000; i++) {
      file(root.resolve("many/young-" + i + ".log"), YOUNG);
    }
    TaskProcess p =
        run(
            Map.of("PUSHGATEWAY_URL", gateway.url().toString(), "CLEANUP_ROOT", root.toString()),
            "--older-than",
            "30d",
            "--metrics-label",
            "suite=realpass",
            // Far below the 10 s default, so a walk of ~1,000 entries reports progress at least
            // once.
            "--progress-interval",
            "1ms");

    assertThat(p.exitCode()).as(p.stdout() + p.stderr()).isZero();
    p.jsonLines(); // every stdout line is one JSON object, hostile names included
    try (Stream<Path> left = Files.walk(root)) {
      assertThat(left.map(root::relativize).map(Path::toString).filter(n -> !n.startsWith("many")))
          .containsExactlyInAnyOrder("", "app", "app/new.log", "app/skewed.log");
    }
    assertThat(p.events("progress"))
        .anySatisfy(
            n -> {
              assertThat(n.path("work").asText()).isEqualTo("cleanup.scan");
              assertThat(n.path("done").asLong()).isPositive();
              assertThat(n.has("rate_per_second")).isTrue();
            });
    assertThat(tmp.resolve("pwned")).doesNotExist();
    assertThat(Path.of("pwned")).doesNotExist();

    JsonNode summary = single(p, "cleanup.summary");
    assertThat(summary.path("deleted").asLong()).isEqualTo(HOSTILE.size() + 1);
    assertThat(summary.path("dry_run").asBoolean()).isFalse();
    assertThat(summary.path("errors").asLong()).isZero();
    assertThat(summary.path("skipped_by_reason").path("young").asLong()).isEqualTo(1001);
    assertThat(summary.path("skipped_by_reason").path("future").asLong()).isEqualTo(1);
    assertThat(summary.path("bytes_freed").asLong()).isEqualTo((HOSTILE.size() + 1) * 4096L);
    assertThat(p.events("run.finished").getFirst().path("exit_code").asInt()).isZero();

    String metrics = gateway.metrics();
    long freed = (HOSTILE.size() + 1) * 4096L;
    assertThat(metrics)
        .containsPattern(
            sample("cleanup_files_deleted_total", "realpass", null, HOSTILE.size() + 1))
        .containsPattern(
            sample("cleanup_files_scanned_total", "realpass", null, HOSTILE.size() + 1005))
        .containsPattern(sample("cleanup_bytes_freed_total", "realpass", null, freed))
        .containsPattern(sample("cleanup_skipped_total", "realpass", "future", 1))
        .containsPattern(sample("cleanup_skipped_total", "realpass", "young", 1001))
        .containsPattern(sample("cleanup_skipped_total", "realpass", "became_young", 0))
        .containsPattern(sample("cleanup_errors_total", "realpass", "permission_denied", 0))
        .containsPattern(sample("cleanup_dirs_removed_total", "realpass", null, 0))
        .containsPattern(sample("run_status", "realpass", null, 0))
        .containsPattern(
            "taskrunner_cleanup_duration_seconds\\{(?=[^}]*job=\"cleanup\")(?=[^}]*suite=\"realpass\")[^}]*\\} ");
  }

  @Test
  @DisplayName(
      "SIGTERM mid-run: exit 143, summary of what was done, the rest and everything outside kept")
  void sigtermStopsAfterTheEntriesInHand() throws IOException {
    Path root = Files.createDirectories(tmp.resolve("logs"));
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    for (int i = 0; i < 20; i++) {
      file(outside.resolve("victim-" + i + ".log"), OLD);
    }
    // No slow mode exists: a tree large enough that deleting it takes seconds, against a signal
    // sent as soon as the first deletions are reported.
    int dirs = 100;
    int perDir = 500;
    byte[] content = new byte[10];
    for (int d = 0; d < dirs; d++) {
      Path dir = Files.createDirectories(root.resolve("d" + d));
      for (int f = 0; f < perDir; f++) {
        Path p = Files.write(dir.resolve("old-" + f + ".log"), content);
        Files.setLastModifiedTime(p, OLD);
      }
    }
    Files.createSymbolicLink(root.resolve("d0/escape"), outside);
    Files.createSymbolicLink(root.resolve("d1/victim.log"), outside.resolve("victim-0.log"));
    Map<String, String> outsideBefore = snapshot(outside);
    long total = (long) dirs * perDir;

    try (TaskProcess p =
        TaskProcess.start(
            TaskProcess.taskJar(),
            List.of(),
            Map.of("PUSHGATEWAY_URL", gateway.url().toString(), "CLEANUP_ROOT", root.toString()),
            "--progress-interval",
            "20ms",
            "--metrics-label",
            "suite=sigterm")) {
      p.awaitJson(
          n ->
              n.path("event").asText().equals("progress")
                  && n.path("work").asText().equals("cleanup.delete")
                  && n.path("done").asLong() > 0,
          TIMEOUT);
      p.signal("TERM");
      assertThat(p.awaitExit(TIMEOUT)).as(p.stdout() + p.stderr()).isEqualTo(143);

      List<JsonNode> lines = p.jsonLines();
      JsonNode last = lines.getLast();
      assertThat(last.path("event").asText()).isEqualTo("run.finished");
      assertThat(last.path("exit_code").asInt()).isEqualTo(143);
      JsonNode summary = single(p, "cleanup.summary");
      assertThat(lines.indexOf(summary)).isLessThan(lines.size() - 1);
      assertThat(summary.path("stopped").asBoolean()).isTrue();
      long deleted = summary.path("deleted").asLong();
      assertThat(deleted).as("deleted before the stop").isPositive().isLessThan(total);

      // Exactly the counted files are gone: every unlink is in the summary, none came after it.
      long left;
      try (Stream<Path> all = Files.walk(root)) {
        left = all.filter(f -> f.getFileName().toString().startsWith("old-")).count();
      }
      assertThat(left).isEqualTo(total - deleted);
      assertThat(root.resolve("d0/escape")).isSymbolicLink();
      assertThat(root.resolve("d1/victim.log")).isSymbolicLink();
      assertThat(snapshot(outside)).isEqualTo(outsideBefore);

      assertThat(gateway.metrics())
          .containsPattern(sample("cleanup_files_deleted_total", "sigterm", null, deleted))
          .containsPattern(sample("run_status", "sigterm", null, 143));
    }
  }

  @Test
  @DisplayName("dry run: candidates as JSON events (names escaped), nothing changes")
  void dryRunChangesNothing() throws IOException {
    Path root = hostileTree();
    Map<String, String> before = snapshot(root);
    TaskProcess p = run(Map.of(), "--root", root.toString(), "--dry-run", "--report-limit", "3");

    assertThat(p.exitCode()).as(p.stdout()).isZero();
    assertThat(snapshot(root)).isEqualTo(before);
    assertThat(p.events("cleanup.candidate")).hasSize(3);
    JsonNode summary = single(p, "cleanup.summary");
    assertThat(summary.path("dry_run").asBoolean()).isTrue();
    assertThat(summary.path("selected").asLong()).isEqualTo(HOSTILE.size() + 1);
    assertThat(summary.path("deleted").asLong()).isZero();

    TaskProcess all = run(Map.of(), "--root", root.toString(), "--dry-run");
    List<String> paths = new ArrayList<>();
    all.events("cleanup.candidate").forEach(n -> paths.add(n.path("path").asText()));
    assertThat(paths).contains("a\\nb", "$(touch pwned)", "-rf", "app/old.log");
    assertThat(snapshot(root)).isEqualTo(before);
  }

  @Test
  @DisplayName("meta-balena#1254, CVE-2018-6954: unsafe roots exit 2 with one line naming them")
  void unsafeRootsExitTwo() throws IOException {
    Path real = Files.createDirectories(tmp.resolve("real"));
    file(real.resolve("old.log"), OLD);
    Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
    for (String root : List.of("/etc", "/", "relative/logs", link.toString(), tmp + "/missing")) {
      TaskProcess p = run(Map.of(), "--root", root);
      assertThat(p.exitCode()).as(root + "\n" + p.stdout()).isEqualTo(2);
      JsonNode failed = single(p, "run.failed");
      assertThat(failed.path("message").asText()).contains(root).doesNotContain("\n");
    }
    assertThat(real.resolve("old.log")).exists();

    // A list of nothing ("," splits into no root) must not become a successful run that did
    // nothing.
    TaskProcess none = run(Map.of("CLEANUP_ROOT", ","));
    assertThat(none.exitCode()).as(none.stdout()).isEqualTo(2);
    assertThat(single(none, "config.invalid").path("option").asText()).startsWith("--root");
  }

  @Test
  @DisplayName("curator#347: the brake aborts before deleting anything, exit 2 with the numbers")
  void brakeAbortsBeforeDeleting() throws IOException {
    Path root = Files.createDirectories(tmp.resolve("logs"));
    for (int i = 0; i < 4; i++) {
      file(root.resolve("old" + i + ".log"), OLD);
    }
    file(root.resolve("new.log"), YOUNG);
    Map<String, String> before = snapshot(root);

    TaskProcess count = run(Map.of(), "--root", root.toString(), "--max-delete", "3");
    assertThat(count.exitCode()).isEqualTo(2);
    assertThat(single(count, "run.failed").path("message").asText())
        .contains("4 entries")
        .contains("--max-delete 3");
    TaskProcess fraction =
        run(Map.of("CLEANUP_MAX_DELETE_FRACTION", "0.5"), "--root", root.toString());
    assertThat(fraction.exitCode()).isEqualTo(2);
    assertThat(single(fraction, "run.failed").path("message").asText()).contains("4 of 5 files");
    assertThat(snapshot(root)).isEqualTo(before);

    TaskProcess allowed = run(Map.of(), "--root", root.toString(), "--max-delete", "4");
    assertThat(allowed.exitCode()).isZero();
    assertThat(single(allowed, "cleanup.summary").path("deleted").asLong()).isEqualTo(4);
  }

  @Test
  @DisplayName("mdclasses#609: an unreadable subdirectory (no CAP_DAC_*): others cleaned, exit 3")
  void unreadableSubdirectoryIsPartial() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("logs"));
    file(root.resolve("a/old.log"), OLD);
    file(root.resolve("secret/old.log"), OLD);
    file(root.resolve("z/old.log"), OLD);
    Files.setPosixFilePermissions(
        root.resolve("secret"), PosixFilePermissions.fromString("---------"));
    try {
      // The test runs as root; dropping the two capabilities that bypass permission bits makes the
      // child see mode 000 the way a non-root pod does.
      List<String> command =
          new ArrayList<>(
              List.of(
                  "setpriv",
                  "--bounding-set=-dac_override,-dac_read_search",
                  "--",
                  TaskProcess.javaExecutable().toString(),
                  "-Xlog:all=warning:stderr",
                  "-jar",
                  TaskProcess.taskJar().toString(),
                  "--root",
                  root.toString(),
                  "--pushgateway-url",
                  gateway.url().toString(),
                  "--metrics-label",
                  "suite=unreadable"));
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
      pb.environment().keySet().removeIf(k -> !k.equals("PATH") && !k.equals("HOME"));
      Process child = pb.start();
      String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      child.waitFor();
      assertThat(child.exitValue()).as(out).isEqualTo(3);
      assertThat(root.resolve("a/old.log")).doesNotExist();
      assertThat(root.resolve("z/old.log")).doesNotExist();
      assertThat(out).contains("\"event\":\"cleanup.summary\"").contains("\"permission_denied\":1");
      assertThat(out).contains("\"event\":\"cleanup.errors\"");
      assertThat(gateway.metrics())
          .containsPattern(sample("cleanup_errors_total", "unreadable", "permission_denied", 1))
          .containsPattern(sample("run_status", "unreadable", null, 3));
    } finally {
      Files.setPosixFilePermissions(
          root.resolve("secret"), PosixFilePermissions.fromString("rwx------"));
    }
    assertThat(root.resolve("secret/old.log")).exists();
  }

  @Test
  @DisplayName("curator#505: the same tree gives the same result under TZ=UTC and America/New_York")
  void timeZoneDoesNotMatter() throws IOException {
    Instant now = Instant.now();
    Map<String, Duration> ages =
        Map.of(
            "29d23h", Duration.ofDays(30).minusHours(1),
            "30d1h", Duration.ofDays(30).plusHours(1),
            "30d23h", Duration.ofDays(31).minusHours(1),
            "31d1h", Duration.ofDays(31).plusHours(1));
    Map<String, List<String>> survivors = new TreeMap<>();
    for (String tz : List.of("UTC", "America/New_York")) {
      for (boolean compat : List.of(false, true)) {
        Path root = Files.createDirectories(tmp.resolve(tz.replace('/', '_') + compat));
        for (var e : ages.entrySet()) {
          file(root.resolve(e.getKey()), FileTime.from(now.minus(e.getValue())));
        }
        List<String> args = new ArrayList<>(List.of("--root", root.toString()));
        if (compat) {
          args.add("--find-compat");
        }
        TaskProcess p = run(Map.of("TZ", tz), args.toArray(String[]::new));
        assertThat(p.exitCode()).isZero();
        try (Stream<Path> left = Files.list(root)) {
          survivors.put(
              tz + " " + compat, left.map(f -> f.getFileName().toString()).sorted().toList());
        }
      }
    }
    assertThat(survivors.get("UTC false")).containsExactly("29d23h");
    assertThat(survivors.get("UTC true")).containsExactly("29d23h", "30d1h", "30d23h");
    assertThat(survivors.get("America/New_York false")).isEqualTo(survivors.get("UTC false"));
    assertThat(survivors.get("America/New_York true")).isEqualTo(survivors.get("UTC true"));
  }

  @Test
  @DisplayName("training run (image build): starts fully, touches no root, pushes nothing")
  void trainingTouchesNothing() throws IOException {
    Path root = hostileTree();
    Map<String, String> before = snapshot(root);
    for (String r : List.of(root.toString(), tmp + "/does-not-exist")) {
      TaskProcess p =
          run(
              Map.of(
                  "TASKRUNNER_AOT_TRAIN", "1",
                  "CLEANUP_ROOT", r,
                  "PUSHGATEWAY_URL", gateway.url().toString(),
                  "CLEANUP_REMOVE_EMPTY_DIRS", "true",
                  "CLEANUP_MAX_TOTAL_SIZE", "1MiB"),
              "--metrics-label",
              "suite=training");
      assertThat(p.exitCode()).as(p.stdout() + p.stderr()).isZero();
      p.jsonLines();
      assertThat(p.stdout()).contains("training run done").doesNotContain("cleanup.summary");
    }
    assertThat(snapshot(root)).isEqualTo(before);
    assertThat(gateway.metrics()).doesNotContain("suite=\"training\"");

    TaskProcess unsafe = run(Map.of("TASKRUNNER_AOT_TRAIN", "1"), "--root", "/etc");
    assertThat(unsafe.exitCode()).as("training validates roots like a run").isNotZero();
  }

  @Test
  @DisplayName(
      "CLEANUP_OLDER_THAN=\"\" (a manifest's value: \"\") is unset: the 30d default, named in"
          + " config.effective; --older-than '' is exit 2")
  void emptyVariableIsUnsetButEmptyFlagIsAnError() throws IOException {
    Path root = Files.createDirectories(tmp.resolve("logs"));
    file(root.resolve("forty.log"), OLD);
    file(root.resolve("twenty.log"), FileTime.from(Instant.now().minus(Duration.ofDays(20))));

    TaskProcess flag = run(Map.of(), "--root", root.toString(), "--older-than", "");
    assertThat(flag.exitCode()).as(flag.stdout()).isEqualTo(2);
    assertThat(single(flag, "config.invalid").path("option").asText()).contains("--older-than");
    assertThat(root.resolve("forty.log")).exists();

    TaskProcess env = run(Map.of("CLEANUP_OLDER_THAN", "", "CLEANUP_ROOT", root.toString()));
    assertThat(env.exitCode()).as(env.stdout()).isZero();
    JsonNode config = single(env, "config.effective");
    assertThat(config.path("sources").path("older-than").asText()).isEqualTo("default");
    assertThat(config.path("empty_variables").toString()).contains("\"CLEANUP_OLDER_THAN\"");
    assertThat(root.resolve("forty.log")).doesNotExist();
    assertThat(root.resolve("twenty.log")).exists();
  }

  @Test
  void helpListsEveryOptionWithItsVariable() {
    TaskProcess p = run(Map.of(), "--help");
    assertThat(p.exitCode()).isZero();
    assertThat(p.stdout())
        .contains("--older-than", "CLEANUP_OLDER_THAN", "--find-compat", "--max-delete-fraction");
  }
}
