package dev.taskrunner.certcheck.target;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How TLS starts on a connection. */
public enum StartTls {
  /** TLS from the first byte (HTTPS, LDAPS, SMTPS...). */
  NONE("none"),
  /** SMTP: banner, EHLO, STARTTLS. */
  SMTP("smtp"),
  /** IMAP: greeting, STARTTLS. */
  IMAP("imap"),
  /** PostgreSQL: the SSLRequest message, the server answers S or N. */
  POSTGRES("postgres"),
  /** PostgreSQL 17+ direct TLS: no SSLRequest, ALPN {@code postgresql}. */
  POSTGRES_DIRECT("postgres-direct");

  private final String label;

  StartTls(String label) {
    this.label = label;
  }

  /** The name used in target definitions and results. */
  public String label() {
    return label;
  }

  /** Parses a label; the error lists the accepted ones. */
  public static StartTls parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    for (StartTls s : values()) {
      if (s.label.equals(t)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown starttls '"
            + text
            + "' (accepted: "
            + Arrays.stream(values()).map(StartTls::label).collect(Collectors.joining(", "))
            + ")");
  }
}
