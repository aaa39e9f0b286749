package dev.taskrunner.backup.retention;

import dev.taskrunner.backup.archive.BackupKey;
import dev.taskrunner.backup.metrics.BackupMetrics;
import dev.taskrunner.backup.storage.ObjectStore;
import dev.taskrunner.common.logging.Events;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Applies a {@link RetentionPolicy} to one database's folder. Candidates are only keys that parse
 * as this database's backups under this prefix (so {@code app} never touches {@code app-analytics}
 * nor unrelated keys); an archive and its manifest are deleted together.
 */
public final class RetentionRunner {
  private static final Logger LOG = LoggerFactory.getLogger(RetentionRunner.class);

  private final ObjectStore store;
  private final BackupMetrics metrics;

  public RetentionRunner(ObjectStore store, BackupMetrics metrics) {
    this.store = store;
    this.metrics = metrics;
  }

  /**
   * Plans and (unless dry-run) deletes.
   *
   * @return the plan that was applied
   */
  public RetentionPlan apply(
      String database, RetentionPolicy policy, Optional<String> protectedKey, Instant now)
      throws Exception {
    String prefix = store.settings().prefix();
    List<BackupKey> backups = new ArrayList<>();
    for (S3Object o : store.list(BackupKey.folder(prefix, database))) {
      BackupKey.parse(prefix, database, o.key()).ifPresent(backups::add);
    }
    RetentionPlan plan = RetentionPlan.of(backups, policy, protectedKey, now);
    Events.event("retention.plan")
        .with("database", database)
        .with("dry_run", policy.dryRun())
        .with("keep", plan.keep().stream().map(BackupKey::key).toList())
        .with("delete", plan.delete().stream().map(BackupKey::key).toList())
        .info(
            LOG,
            "retention for {}: keep {}, delete {}{}",
            database,
            plan.keep().size(),
            plan.delete().size(),
            policy.dryRun() ? " (dry run: nothing deleted)" : "");
    if (policy.dryRun() || plan.delete().isEmpty()) {
      return plan;
    }
    List<String> keys = new ArrayList<>();
    for (BackupKey k : plan.delete()) {
      // The manifest first: a listing never shows an archive without a way to check it... and the
      // archive is what retention exists to remove, so it goes in the same call.
      keys.add(k.manifestKey());
      keys.add(k.key());
    }
    List<String> failed = store.delete(keys);
    long deleted = plan.delete().stream().filter(k -> !failed.contains(k.key())).count();
    metrics.retentionDeleted(database, deleted);
    Events.event("retention.completed")
        .with("database", database)
        .with("deleted", deleted)
        .with("failed", failed.size())
        .info(LOG, "retention for {}: deleted {} backups", database, deleted);
    if (!failed.isEmpty()) {
      throw new java.io.IOException(
          "retention could not delete " + failed.size() + " objects, e.g. " + failed.get(0));
    }
    return plan;
  }
}
