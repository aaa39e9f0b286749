package dev.taskrunner.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PgServiceFileTest {
  @Test
  void asciiNamesTravelInArgvAsConninfo() throws Exception {
    Optional<PgServiceFile> none = PgServiceFile.forDatabase("app-analytics 'x'");
    assertThat(none).isEmpty();
    assertThat(PgClientTools.dbnameArgument("app-analytics 'x'", none))
        .isEqualTo("--dbname=dbname='app-analytics \\'x\\''");
  }

  @Test
  void aNonAsciiNameUnderAnAsciiLocaleGoesThroughAServiceFileInUtf8() throws Exception {
    String jnu = System.getProperty("sun.jnu.encoding");
    System.setProperty("sun.jnu.encoding", "ANSI_X3.4-1968");
    try {
      Optional<PgServiceFile> file = PgServiceFile.forDatabase("Odd name/\u00fc %2F");
      assertThat(file).isPresent();
      try (PgServiceFile f = file.get()) {
        assertThat(Files.readString(f.path(), StandardCharsets.UTF_8))
            .isEqualTo("[taskrunner]\ndbname=Odd name/\u00fc %2F\n");
        assertThat(Files.getPosixFilePermissions(f.path().getParent()).toString())
            .isEqualTo("[OWNER_READ, OWNER_WRITE, OWNER_EXECUTE]");
        assertThat(PgClientTools.dbnameArgument("x", file))
            .isEqualTo("--dbname=service=taskrunner");
      }
      assertThat(file.get().path()).doesNotExist();
      assertThatThrownBy(() -> PgServiceFile.forDatabase("\u00fc "))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("LANG=C.UTF-8");
    } finally {
      System.setProperty("sun.jnu.encoding", jnu);
    }
  }
}
