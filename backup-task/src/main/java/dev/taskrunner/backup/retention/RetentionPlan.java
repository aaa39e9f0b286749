package dev.taskrunner.backup.retention;

import dev.taskrunner.backup.archive.BackupKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The decision, made without touching S3: which of one database's backups to keep and which to
 * delete.
 *
 * @param keep backups kept, newest first
 * @param delete backups to delete, newest first
 */
public record RetentionPlan(List<BackupKey> keep, List<BackupKey> delete) {

  /**
   * Plans retention over {@code backups} (only keys that parsed as this database's backups).
   *
   * @param protectedKey the object this run just wrote: never deleted, even if its clock is odd
   * @param now the run's clock
   */
  public static RetentionPlan of(
      List<BackupKey> backups, RetentionPolicy policy, Optional<String> protectedKey, Instant now) {
    List<BackupKey> sorted = new ArrayList<>(backups);
    sorted.sort(Comparator.comparing(BackupKey::time).thenComparing(BackupKey::key).reversed());
    List<BackupKey> keep = new ArrayList<>();
    List<BackupKey> delete = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      BackupKey b = sorted.get(i);
      boolean keepIt = i < policy.keepMin() || protectedKey.map(b.key()::equals).orElse(false);
      if (policy.keepLast().isPresent() && i < policy.keepLast().get()) {
        keepIt = true;
      }
      if (policy.maxAge().isPresent() && b.time().isAfter(now.minus(policy.maxAge().get()))) {
        keepIt = true;
      }
      if (!policy.keepLast().isPresent() && !policy.maxAge().isPresent()) {
        keepIt = true;
      }
      (keepIt ? keep : delete).add(b);
    }
    return new RetentionPlan(List.copyOf(keep), List.copyOf(delete));
  }
}
