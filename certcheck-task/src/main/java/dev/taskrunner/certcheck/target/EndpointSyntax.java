package dev.taskrunner.certcheck.target;

import java.util.Locale;

/**
 * The text form of an endpoint: {@code HOST:PORT[;sni=NAME][;starttls=PROTOCOL][;label=TEXT]}, with
 * IPv6 hosts in brackets ({@code [::1]:443}). The same form is used on the command line, in {@code
 * CERTCHECK_TARGET} (comma-separated) and in a targets file (one per line).
 */
public final class EndpointSyntax {
  /** The form, for error messages and help. */
  public static final String FORM =
      "HOST:PORT[;sni=NAME][;starttls=smtp|imap|postgres|postgres-direct][;label=TEXT]";

  private EndpointSyntax() {}

  /**
   * Parses one target.
   *
   * @throws IllegalArgumentException with a one-line message naming the text
   */
  public static EndpointTarget parse(String text) {
    String[] parts = text.trim().split(";");
    String address = parts[0].trim();
    String host;
    String portText;
    if (address.startsWith("[")) {
      int close = address.indexOf(']');
      if (close < 0 || close + 1 >= address.length() || address.charAt(close + 1) != ':') {
        throw bad(text, "IPv6 address must be written [ADDR]:PORT");
      }
      host = address.substring(1, close);
      portText = address.substring(close + 2);
    } else {
      int colon = address.lastIndexOf(':');
      if (colon <= 0 || address.indexOf(':') != colon) {
        throw bad(text, "expected HOST:PORT");
      }
      host = address.substring(0, colon);
      portText = address.substring(colon + 1);
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw bad(text, "port '" + portText + "' is not a number");
    }
    if (port < 1 || port > 65535) {
      throw bad(text, "port " + port + " is out of range 1-65535");
    }
    if (host.isBlank()) {
      throw bad(text, "empty host");
    }
    String sni = "";
    StartTls startTls = StartTls.NONE;
    String label = "";
    for (int i = 1; i < parts.length; i++) {
      String part = parts[i].trim();
      int eq = part.indexOf('=');
      if (eq < 0) {
        throw bad(text, "option '" + part + "' is not KEY=VALUE");
      }
      String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String value = part.substring(eq + 1).trim();
      switch (key) {
        case "sni" -> sni = value;
        case "starttls" -> {
          try {
            startTls = StartTls.parse(value);
          } catch (IllegalArgumentException e) {
            throw bad(text, e.getMessage());
          }
        }
        case "label" -> label = value;
        default -> throw bad(text, "unknown option '" + key + "' (accepted: sni, starttls, label)");
      }
    }
    return new EndpointTarget(host, port, sni, startTls, label);
  }

  private static IllegalArgumentException bad(String text, String why) {
    return new IllegalArgumentException("target '" + text.trim() + "': " + why + "; form: " + FORM);
  }
}
