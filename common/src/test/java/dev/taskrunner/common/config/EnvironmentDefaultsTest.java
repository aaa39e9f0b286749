package dev.taskrunner.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class EnvironmentDefaultsTest {

  @Command
  static class Options {
    @Option(names = "--level", defaultValue = "default-level")
    String level;

    @EnvVar({"PGHOST", "LEGACY_HOST"})
    @Option(names = "--host", defaultValue = "localhost")
    String host;

    @Option(names = "--token")
    Secret token;
  }

  private static Options parse(Map<String, String> env, String... args) {
    Options options = new Options();
    CommandLine cl = new CommandLine(options);
    Converters.register(cl);
    cl.setDefaultValueProvider(new EnvironmentDefaults("TASK_", env));
    cl.parseArgs(args);
    return options;
  }

  @Test
  void flagBeatsEnvironmentBeatsFileBeatsDefault(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("level");
    Files.writeString(file, "from-file\n");
    Map<String, String> all = Map.of("TASK_LEVEL", "from-env", "TASK_LEVEL_FILE", file.toString());

    assertThat(parse(all, "--level", "from-flag").level).isEqualTo("from-flag");
    assertThat(parse(all).level).isEqualTo("from-env");
    assertThat(parse(Map.of("TASK_LEVEL_FILE", file.toString())).level).isEqualTo("from-file");
    assertThat(parse(Map.of()).level).isEqualTo("default-level");
  }

  @Test
  void emptyVariableCountsAsUnset() {
    assertThat(parse(Map.of("TASK_LEVEL", "")).level).isEqualTo("default-level");
  }

  @Test
  void ecosystemNamesComeFromTheAnnotationInOrder() {
    assertThat(parse(Map.of("LEGACY_HOST", "b")).host).isEqualTo("b");
    assertThat(parse(Map.of("PGHOST", "a", "LEGACY_HOST", "b")).host).isEqualTo("a");
    assertThat(parse(Map.of("TASK_HOST", "ignored")).host).isEqualTo("localhost");
  }

  @Test
  void fileKeepsInnerWhitespaceAndDropsOnlyTheFinalNewline(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, " spaced secret \r\n");
    assertThat(parse(Map.of("TASK_TOKEN_FILE", file.toString())).token.reveal())
        .isEqualTo(" spaced secret ");
  }

  @Test
  void missingFileNamesTheVariable(@TempDir Path dir) {
    assertThatThrownBy(() -> parse(Map.of("TASK_TOKEN_FILE", dir.resolve("nope").toString())))
        .satisfies(
            e -> {
              Throwable t = e;
              while (!(t instanceof ConfigurationException) && t.getCause() != null) {
                t = t.getCause();
              }
              assertThat(t).isInstanceOf(ConfigurationException.class);
              assertThat(((ConfigurationException) t).option()).isEqualTo("TASK_TOKEN_FILE");
            });
  }

  private static ConfigurationException failure(Map<String, String> env) {
    Throwable t = catchThrowable(() -> parse(env));
    while (t != null && !(t instanceof ConfigurationException)) {
      t = t.getCause();
    }
    assertThat(t).as("a ConfigurationException in the cause chain").isNotNull();
    return (ConfigurationException) t;
  }

  @Test
  void directoryIsNamedAsSuch(@TempDir Path dir) {
    // Used to say only "cannot be read: IOException".
    ConfigurationException e = failure(Map.of("TASK_TOKEN_FILE", dir.toString()));
    assertThat(e.option()).isEqualTo("TASK_TOKEN_FILE");
    assertThat(e.reason()).isEqualTo("file " + dir + " is a directory");
  }

  @Test
  // A guard, not a timing assertion: before the fix this test blocked for ever in open(2).
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void fifoIsRefusedWithoutOpeningIt(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("fifo");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    // Opening a FIFO nobody writes to blocks for ever: the start would hang instead of failing.
    ConfigurationException e = failure(Map.of("TASK_TOKEN_FILE", fifo.toString()));
    assertThat(e.reason()).contains(fifo.toString()).contains("not a regular file");
  }

  @Test
  void fileOverOneMebibyteIsRefused(@TempDir Path dir) throws Exception {
    Path big = dir.resolve("big");
    Files.write(big, new byte[(int) EnvironmentDefaults.MAX_FILE_BYTES + 1]);
    assertThat(failure(Map.of("TASK_LEVEL_FILE", big.toString())).reason())
        .contains(big.toString())
        .contains("larger than 1 MiB");
  }

  @Test
  void invalidUtf8IsNamedWithoutTheContent(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("token");
    Files.write(file, new byte[] {'s', 'e', 'c', (byte) 0xff, 'r', 'e', 't'});
    ConfigurationException e = failure(Map.of("TASK_TOKEN_FILE", file.toString()));
    assertThat(e.reason()).isEqualTo("file " + file + " is not valid UTF-8");
  }

  @Test
  void symlinkToARegularFileIsRead(@TempDir Path dir) throws Exception {
    // A mounted Secret: token -> ..data/token.
    Path data = Files.createDirectories(dir.resolve("..data"));
    Files.writeString(data.resolve("token"), "linked-secret\n");
    Path link = Files.createSymbolicLink(dir.resolve("token"), Path.of("..data/token"));
    assertThat(parse(Map.of("TASK_TOKEN_FILE", link.toString())).token.reveal())
        .isEqualTo("linked-secret");
  }

  @Test
  void secretPrintsAsMask() {
    Secret s = parse(Map.of("TASK_TOKEN", "hunter2-long")).token;
    assertThat(s.toString()).isEqualTo("***");
    assertThat("" + s).doesNotContain("hunter2");
  }
}
