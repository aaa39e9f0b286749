package dev.taskrunner.backup.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ArchiveShapeTest {
  static ArchiveShape fed(ArchiveFormat format, byte[]... chunks) {
    ArchiveShape s = new ArchiveShape(format);
    for (byte[] c : chunks) {
      s.update(c, 0, c.length);
    }
    return s;
  }

  @Test
  void emptyOutputIsNeverAnArchive() {
    for (ArchiveFormat f : ArchiveFormat.values()) {
      assertThat(fed(f).problem()).contains("empty");
    }
  }

  @Test
  void customFormatNeedsItsHeader() {
    assertThat(fed(ArchiveFormat.CUSTOM, "PG".getBytes(), "DMP rest".getBytes()).problem())
        .isNull();
    assertThat(fed(ArchiveFormat.CUSTOM, "<html>".getBytes()).problem()).contains("PGDMP");
  }

  @Test
  void plainDumpNeedsTheTrailerEvenAcrossChunks() {
    byte[] body = "x".repeat(5000).getBytes(StandardCharsets.US_ASCII);
    byte[] end =
        "--\n-- PostgreSQL database dump complete\n--\n\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(fed(ArchiveFormat.PLAIN, body, end).problem()).isNull();
    assertThat(fed(ArchiveFormat.PLAIN, body).problem()).contains("truncated");
    byte[] split1 = "-- PostgreSQL database du".getBytes(StandardCharsets.US_ASCII);
    byte[] split2 = "mp complete\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(fed(ArchiveFormat.PLAIN, body, split1, split2).problem()).isNull();
  }

  @Test
  void pgDumpallGlobalsEndWithTheClusterTrailer() {
    byte[] globals =
        ("--\n-- PostgreSQL database cluster dump\n--\nCREATE ROLE x;\n"
                + "--\n-- PostgreSQL database cluster dump complete\n--\n\n")
            .getBytes(StandardCharsets.US_ASCII);
    assertThat(fed(ArchiveFormat.PLAIN, globals).problem()).isNull();
    byte[] cut = "--\n-- PostgreSQL database cluster dump\n--\nCREATE ROLE x;\n".getBytes();
    assertThat(fed(ArchiveFormat.PLAIN, cut).problem()).contains("truncated");
  }

  @Test
  void tarMustEndInZeroBlocks() {
    byte[] whole = new byte[4096];
    whole[0] = 'a';
    assertThat(fed(ArchiveFormat.TAR, whole).problem()).isNull();
    byte[] cut = new byte[3000];
    cut[2999] = 1;
    assertThat(fed(ArchiveFormat.TAR, cut).problem()).contains("truncated");
  }
}
