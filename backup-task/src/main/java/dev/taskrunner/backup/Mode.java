package dev.taskrunner.backup;

/** What one run does ({@code --mode}, {@code BACKUP_MODE}). */
public enum Mode {
  /** Dump database(s) to S3, then apply retention if configured. */
  BACKUP,
  /** Stream a stored archive into pg_restore/psql against a target database. */
  RESTORE,
  /** Re-read a stored archive: size, SHA-256 against the manifest, and pg_restore readability. */
  VERIFY,
  /** Apply retention to one database's backups without taking a new one. */
  RETENTION
}
