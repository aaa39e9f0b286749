package dev.taskrunner.cleanup.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileIdentityTest {
  /** Pins the parsed fileKey format to the path-based unix view (anchor §7: unix:ctime exists). */
  @Test
  void fileKeyAgreesWithUnixAttributes(@TempDir Path dir) throws Exception {
    Path file = Files.createFile(dir.resolve("f"));
    Object key =
        Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    Map<String, Object> unix =
        Files.readAttributes(file, "unix:dev,ino,ctime", LinkOption.NOFOLLOW_LINKS);
    FileIdentity id = FileIdentity.of(key);
    assertThat(id.dev()).isEqualTo(((Number) unix.get("dev")).longValue());
    assertThat(id.ino()).isEqualTo(((Number) unix.get("ino")).longValue());
    assertThat(unix.get("ctime")).isNotNull();
  }

  @Test
  void linuxDeviceNumbers() {
    // makedev(254, 0) as /proc/locks prints it: fe:00
    FileIdentity id = new FileIdentity(0xfe00L, 1);
    assertThat(id.major()).isEqualTo(254);
    assertThat(id.minor()).isEqualTo(0);
  }

  @Test
  void displayEscapesControlCharacters() {
    assertThat(EntryName.display("a\nb\tc\\d\u001b")).isEqualTo("a\\nb\\tc\\\\d\\x1b");
    assertThat(EntryName.display("plain")).isEqualTo("plain");
  }
}
