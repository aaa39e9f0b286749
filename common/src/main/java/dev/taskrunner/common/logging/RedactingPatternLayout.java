package dev.taskrunner.common.logging;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** The text format ({@code LOG_FORMAT=text}) with the same redaction as the JSON format. */
public final class RedactingPatternLayout extends PatternLayout {
  private final Redactor redactor;

  public RedactingPatternLayout(Redactor redactor) {
    this.redactor = redactor;
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    return redactor.redact(super.doLayout(event));
  }
}
