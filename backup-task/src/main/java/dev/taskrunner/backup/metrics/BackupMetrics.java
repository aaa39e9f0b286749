package dev.taskrunner.backup.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The backup task's domain metrics, named as the README lists them, each with a {@code database}
 * label (the run metrics and the {@code task} label come from common):
 *
 * <ul>
 *   <li>{@code taskrunner_backup_size_bytes}: size of the stored archive of this run
 *   <li>{@code taskrunner_backup_duration_seconds}: dump + upload time of this run
 *   <li>{@code taskrunner_backup_last_success_timestamp_seconds}: set only on success
 *   <li>{@code taskrunner_backup_retention_deleted_total}: objects deleted by retention
 *   <li>{@code taskrunner_backup_retention_failures_total}: retention runs that failed
 * </ul>
 */
public final class BackupMetrics {
  private final MeterRegistry registry;

  public BackupMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public void backupSucceeded(
      String database, long sizeBytes, double durationSeconds, double endEpochSeconds) {
    Gauge.builder("taskrunner_backup_size_bytes", () -> sizeBytes)
        .tag("database", database)
        .strongReference(true)
        .register(registry);
    backupDuration(database, durationSeconds);
    Gauge.builder("taskrunner_backup_last_success_timestamp_seconds", () -> endEpochSeconds)
        .tag("database", database)
        .strongReference(true)
        .register(registry);
  }

  public void backupDuration(String database, double durationSeconds) {
    Gauge.builder("taskrunner_backup_duration_seconds", () -> durationSeconds)
        .tag("database", database)
        .strongReference(true)
        .register(registry);
  }

  public void retentionDeleted(String database, long count) {
    Counter.builder("taskrunner_backup_retention_deleted")
        .tag("database", database)
        .register(registry)
        .increment(count);
  }

  public void retentionFailed(String database) {
    Counter.builder("taskrunner_backup_retention_failures")
        .tag("database", database)
        .register(registry)
        .increment();
  }
}
