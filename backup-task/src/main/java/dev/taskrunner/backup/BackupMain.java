package dev.taskrunner.backup;

import dev.taskrunner.common.TaskLauncher;

/** Entry point of the backup task jar. */
public final class BackupMain {
  private BackupMain() {}

  public static void main(String[] args) {
    TaskLauncher.launch(
        new TaskLauncher.Task("backup", "BACKUP_"),
        new BackupCommand(),
        BackupCommand.modeWordAsFlag(args));
  }
}
