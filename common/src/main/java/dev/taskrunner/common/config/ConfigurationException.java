package dev.taskrunner.common.config;

/**
 * Configuration that cannot be used, with the option (or variable) it concerns and why. The
 * launcher turns it into one JSON line and exit code 2.
 */
public class ConfigurationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String option;
  private final String reason;

  public ConfigurationException(String option, String reason) {
    super(option + ": " + reason);
    this.option = option;
    this.reason = reason;
  }

  /** The flag or environment variable at fault, as the user wrote it. */
  public String option() {
    return option;
  }

  public String reason() {
    return reason;
  }
}
