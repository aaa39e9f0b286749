package dev.taskrunner.common.config;

import dev.taskrunner.common.logging.Redactor;
import java.util.Objects;

/**
 * A secret option value. Its {@link #toString()} is {@code ***}, so it cannot leak through string
 * concatenation, and its value is registered with the {@link Redactor} when created, so it cannot
 * leak through a log line either.
 */
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  /** Wraps and registers a secret value. */
  public static Secret of(String value) {
    Objects.requireNonNull(value, "value");
    Redactor.global().register(value);
    return new Secret(value);
  }

  /** The clear value; pass it to the client that needs it, nowhere else. */
  public String reveal() {
    return value;
  }

  public boolean isEmpty() {
    return value.isEmpty();
  }

  @Override
  public String toString() {
    return "***";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && s.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
