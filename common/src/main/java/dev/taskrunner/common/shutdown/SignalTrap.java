package dev.taskrunner.common.shutdown;

import java.util.function.IntConsumer;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a callback with the exit code the convention gives them (143, 130).
 * {@code sun.misc.Signal} (module jdk.unsupported) is used instead of a shutdown hook because a
 * hook cannot tell the two signals apart, and cannot run after the logging system was stopped by
 * another hook.
 */
public final class SignalTrap {
  private SignalTrap() {}

  public static void install(IntConsumer onSignal) {
    Signal.handle(new Signal("TERM"), signal -> onSignal.accept(143));
    Signal.handle(new Signal("INT"), signal -> onSignal.accept(130));
  }
}
