package dev.taskrunner.certcheck.report;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's path is checked before the scan, so a bad one is exit 2 and costs no scan. */
class ReportFileTest {
  @TempDir Path dir;

  @Test
  void aDirectoryAsTheReportIsRefusedBeforeTheScan() {
    assertThatThrownBy(() -> ReportFile.checkWritable(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is a directory");
  }

  @Test
  void aMissingDirectoryIsRefusedAndANewFileInAnExistingOneIsAccepted() {
    assertThatThrownBy(() -> ReportFile.checkWritable(dir.resolve("nope/report.json")))
        .hasMessageContaining("does not exist");
    assertThatCode(() -> ReportFile.checkWritable(dir.resolve("report.json")))
        .doesNotThrowAnyException();
  }
}
