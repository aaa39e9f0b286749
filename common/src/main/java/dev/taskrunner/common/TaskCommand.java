package dev.taskrunner.common;

/**
 * The body of a task. Implementations are picocli {@code @Command} classes whose fields are the
 * task's options; {@link TaskLauncher} parses them, sets up logging, metrics and shutdown, then
 * calls {@link #run}.
 */
public interface TaskCommand {

  /** Does the work and says how it went. Throw {@link TaskFailure} for an understood failure. */
  ExitCode run(RunContext context) throws Exception;

  /**
   * Builds clients and parses configuration without touching the network, then returns. The image
   * build runs this to record a JDK AOT cache ({@code TASKRUNNER_AOT_TRAIN=1}).
   */
  default void train(RunContext context) throws Exception {}
}
