package dev.taskrunner.certcheck;

import dev.taskrunner.common.TaskLauncher;

/** Entry point of the certcheck task jar. */
public final class CertcheckMain {
  private CertcheckMain() {}

  public static void main(String[] args) {
    TaskLauncher.launch(
        new TaskLauncher.Task("certcheck", "CERTCHECK_"), new CertcheckCommand(), args);
  }
}
