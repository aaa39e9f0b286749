package dev.taskrunner.common.logging;

import com.fasterxml.jackson.core.JsonStreamContext;
import net.logstash.logback.mask.ValueMasker;

/**
 * Applies the {@link Redactor} to every string the JSON encoder writes: message, stack trace,
 * fields.
 */
public final class RedactingValueMasker implements ValueMasker {
  private final Redactor redactor;

  public RedactingValueMasker(Redactor redactor) {
    this.redactor = redactor;
  }

  @Override
  public Object mask(JsonStreamContext context, Object value) {
    if (value instanceof CharSequence text) {
      String s = text.toString();
      String redacted = redactor.redact(s);
      return redacted.equals(s) ? null : redacted;
    }
    return null;
  }
}
