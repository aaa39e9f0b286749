package dev.taskrunner.common;

import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the Implementation-Version the jar's manifest carries. */
public final class TaskVersion implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {current()};
  }

  public static String current() {
    String v = TaskVersion.class.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }
}
