package dev.taskrunner.certcheck.target;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Which part of the estate this pod checks: target {@code t} belongs to shard {@code crc32(t) mod
 * count}. Hashing each target's own name (not its position in a list) means every pod of an Indexed
 * Job computes the same split from its own listing, even when Secrets appear between the pods'
 * listings.
 *
 * @param index this pod's shard, 0-based ({@code JOB_COMPLETION_INDEX} of an Indexed Job)
 * @param count number of shards (the Job's {@code completions}); 1 means no sharding
 */
public record Shard(int index, int count) {
  public Shard {
    if (count < 1 || index < 0 || index >= count) {
      throw new IllegalArgumentException(
          "shard " + index + "/" + count + ": expected 0 <= index < count");
    }
  }

  public static Shard all() {
    return new Shard(0, 1);
  }

  /** Parses {@code I/N}. */
  public static Shard parse(String text) {
    String[] parts = text.trim().split("/");
    if (parts.length != 2) {
      throw new IllegalArgumentException("shard '" + text + "': expected INDEX/COUNT, e.g. 0/4");
    }
    try {
      return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("shard '" + text + "': expected INDEX/COUNT, e.g. 0/4");
    }
  }

  /** Whether this shard checks the target named {@code key}. */
  public boolean selects(String key) {
    if (count == 1) {
      return true;
    }
    CRC32 crc = new CRC32();
    crc.update(key.getBytes(StandardCharsets.UTF_8));
    return crc.getValue() % count == index;
  }

  @Override
  public String toString() {
    return index + "/" + count;
  }
}
