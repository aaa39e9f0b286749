package dev.taskrunner.cleanup.rule;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PathFilterTest {
  // systemd#30361: an exclude must win regardless of rule order.
  @Test
  void excludeWinsOverInclude() {
    PathFilter f = new PathFilter(List.of("*.log"), List.of("keep*.log"));
    assertThat(f.selects(Path.of("a/app.log"))).isTrue();
    assertThat(f.selects(Path.of("a/keep-me.log"))).isFalse();
    assertThat(f.selects(Path.of("a/app.txt"))).isFalse();
  }

  @Test
  void globWithSlashMatchesRelativePath() {
    PathFilter f = new PathFilter(List.of(), List.of("audit/**"));
    assertThat(f.excluded(Path.of("audit/2024/x.log"))).isTrue();
    assertThat(f.excluded(Path.of("app/audit.log"))).isFalse();
  }
}
