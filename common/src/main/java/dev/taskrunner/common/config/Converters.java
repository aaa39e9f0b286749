package dev.taskrunner.common.config;

import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;

/** Registers the shared value types with picocli, so every task parses them the same way. */
public final class Converters {
  private Converters() {}

  public static void register(CommandLine commandLine) {
    commandLine.registerConverter(Duration.class, DurationParser::parse);
    commandLine.registerConverter(DataSize.class, DataSize::parse);
    commandLine.registerConverter(Secret.class, (ITypeConverter<Secret>) Secret::of);
  }
}
