package dev.taskrunner.backup.storage;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;

/**
 * The small JSON document stored next to each archive ({@code <key>.manifest.json}); restore and
 * verify check the archive against it.
 *
 * @param key the archive's key
 * @param database the real database name (the key carries it percent-encoded)
 * @param serverVersion PostgreSQL server version, e.g. {@code 15.14}
 * @param pgDumpMajor major version of the pg_dump (or pg_dumpall) that wrote it
 * @param format {@code custom}, {@code plain} or {@code tar}
 * @param compression {@code none}, {@code pgdump}, {@code gzip} or {@code zstd}
 * @param compressionLevel level used (0 for none)
 * @param sizeBytes size of the stored object in bytes
 * @param sha256 lower-case hex SHA-256 of the stored bytes
 * @param dumpBytes bytes pg_dump wrote (before in-process compression)
 * @param parts number of multipart parts
 * @param startedAt start of the dump, ISO-8601 UTC
 * @param finishedAt completion of the upload, ISO-8601 UTC
 * @param runId run id of the task run that wrote it
 */
public record Manifest(
    String key,
    String database,
    @JsonProperty("server_version") String serverVersion,
    @JsonProperty("pg_dump_major") int pgDumpMajor,
    String format,
    String compression,
    @JsonProperty("compression_level") int compressionLevel,
    @JsonProperty("size_bytes") long sizeBytes,
    String sha256,
    @JsonProperty("dump_bytes") long dumpBytes,
    int parts,
    @JsonProperty("started_at") String startedAt,
    @JsonProperty("finished_at") String finishedAt,
    @JsonProperty("run_id") String runId) {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Manifest parse(byte[] json) throws IOException {
    return JSON.readValue(json, Manifest.class);
  }
}
