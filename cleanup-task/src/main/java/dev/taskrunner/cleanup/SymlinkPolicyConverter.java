package dev.taskrunner.cleanup;

import dev.taskrunner.cleanup.rule.SymlinkPolicy;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;

/** Parses {@code ignore} / {@code delete-if-old} (dashes, any case) for {@code --symlinks}. */
final class SymlinkPolicyConverter implements ITypeConverter<SymlinkPolicy> {
  @Override
  public SymlinkPolicy convert(String value) {
    try {
      return SymlinkPolicy.valueOf(value.trim().replace('-', '_').toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid value '" + value + "': expected ignore or delete-if-old");
    }
  }
}
