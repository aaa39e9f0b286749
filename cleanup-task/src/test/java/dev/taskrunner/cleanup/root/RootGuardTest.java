package dev.taskrunner.cleanup.root;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskrunner.common.ExitCode;
import dev.taskrunner.common.TaskFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RootGuardTest {
  @TempDir Path tmp;

  // S11: systemd --purge wiping /home (systemd PR #33383), tmpreaper "no protection against /".
  @ParameterizedTest(name = "refuses ''{0}''")
  @ValueSource(
      strings = {
        "",
        " ",
        "/",
        "/proc",
        "/sys",
        "/dev",
        "/etc",
        "/usr",
        "/bin",
        "/lib",
        "/boot",
        "/usr/local/log",
        "/etc/nginx",
        "var/log",
        ".",
        "/var/log/../..",
        "/var//log",
        "/var/log/"
      })
  void refusesDangerousRoots(String root) {
    assertThatThrownBy(() -> RootGuard.pin(root, false))
        .isInstanceOfSatisfying(
            TaskFailure.class, f -> assertThat(f.exitCode()).isEqualTo(ExitCode.USAGE));
  }

  @Test
  void allowDangerousRootLiftsOnlyTheSystemDirectoryCheck() {
    try (PinnedRoot r = RootGuard.pin("/etc", true)) {
      assertThat(r.path()).isEqualTo(Path.of("/etc"));
    }
    assertThatThrownBy(() -> RootGuard.pin("/", true)).isInstanceOf(TaskFailure.class);
  }

  @Test
  @DisplayName("S6 CVE-2018-6954 / meta-balena#1254: a root through a symlink fails closed")
  void symlinkInPathFailsClosed() throws Exception {
    Path real = Files.createDirectories(tmp.resolve("victim/app"));
    Files.createSymbolicLink(tmp.resolve("logs"), tmp.resolve("victim"));
    assertThatThrownBy(() -> RootGuard.pin(tmp.resolve("logs/app").toString(), false))
        .isInstanceOfSatisfying(
            TaskFailure.class,
            f -> {
              assertThat(f.exitCode()).isEqualTo(ExitCode.USAGE);
              assertThat(f.reason()).isEqualTo("symlink_in_root");
              assertThat(f.getMessage()).contains(tmp.resolve("logs").toString());
            });
    Files.createSymbolicLink(tmp.resolve("direct"), real);
    assertThatThrownBy(() -> RootGuard.pin(tmp.resolve("direct").toString(), false))
        .isInstanceOf(TaskFailure.class)
        .hasMessageContaining("symbolic link");
  }

  @Test
  void missingRootIsAConfigurationError() {
    assertThatThrownBy(() -> RootGuard.pin(tmp.resolve("nope").toString(), false))
        .isInstanceOfSatisfying(
            TaskFailure.class, f -> assertThat(f.reason()).isEqualTo("root_missing"));
  }

  @Test
  void pinsARealDirectory() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("logs"));
    try (PinnedRoot r = RootGuard.pin(dir.toString(), false)) {
      assertThat(r.fileKey()).isEqualTo(Files.readAttributes(dir, "basic:fileKey").get("fileKey"));
    }
  }
}
