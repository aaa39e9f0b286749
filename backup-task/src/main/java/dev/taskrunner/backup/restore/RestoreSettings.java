package dev.taskrunner.backup.restore;

import java.util.List;
import java.util.Optional;

/**
 * What to restore and where.
 *
 * @param key {@code --key}: the archive's object key; or
 * @param latest {@code --latest}: the newest backup of {@code --database} (by the UTC time in the
 *     key)
 * @param database {@code --database}: whose backups {@code --latest} looks at
 * @param targetDatabase {@code --target-database}: database restored into; default: the backup's
 *     database
 * @param createTarget {@code --create-target}: create the target database first; default false
 * @param extraArgs {@code --restore-arg}: extra pg_restore/psql arguments (e.g. {@code
 *     --no-owner}); default none
 */
public record RestoreSettings(
    Optional<String> key,
    boolean latest,
    Optional<String> database,
    Optional<String> targetDatabase,
    boolean createTarget,
    List<String> extraArgs) {}
