package dev.taskrunner.cleanup;

import dev.taskrunner.common.TaskLauncher;

/** Entry point of the cleanup task jar. */
public final class CleanupMain {
  private CleanupMain() {}

  public static void main(String[] args) {
    TaskLauncher.launch(new TaskLauncher.Task("cleanup", "CLEANUP_"), new CleanupCommand(), args);
  }
}
