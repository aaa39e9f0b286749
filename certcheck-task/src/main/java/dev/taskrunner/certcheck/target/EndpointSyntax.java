package dev.taskrunner.certcheck.target;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

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
    if (address.chars().anyMatch(Character::isWhitespace)) {
      throw bad(
          text,
          "the address holds whitespace (separate several targets with ',' or give one per line"
              + " of --targets-file)");
    }
    String host;
    String portText;
    boolean bracketed = address.startsWith("[");
    if (bracketed) {
      int close = address.indexOf(']');
      if (close < 0 || close + 1 >= address.length() || address.charAt(close + 1) != ':') {
        throw bad(text, "IPv6 address must be written [ADDR]:PORT");
      }
      host = address.substring(1, close);
      portText = address.substring(close + 2);
    } else {
      int colon = address.lastIndexOf(':');
      if (colon >= 0 && address.indexOf(':') != colon) {
        throw bad(text, "IPv6 address must be written [ADDR]:PORT");
      }
      if (colon < 0) {
        throw bad(text, "expected HOST:PORT");
      }
      host = address.substring(0, colon);
      portText = address.substring(colon + 1);
    }
    // Integer.parseInt would also take "+443" and digits of other scripts.
    if (!portText.matches("[0-9]{1,9}")) {
      throw bad(text, "port '" + portText + "' is not a number");
    }
    int port = Integer.parseInt(portText);
    if (port < 1 || port > 65535) {
      throw bad(text, "port " + port + " is out of range 1-65535");
    }
    if (host.isBlank()) {
      throw bad(text, "empty host");
    }
    String hostProblem = bracketed ? ipv6Problem(host) : hostProblem(host);
    if (hostProblem != null) {
      throw bad(text, "host '" + host + "' " + hostProblem);
    }
    String sni = "";
    StartTls startTls = StartTls.NONE;
    String label = "";
    Set<String> seen = new HashSet<>();
    for (int i = 1; i < parts.length; i++) {
      String part = parts[i].trim();
      int eq = part.indexOf('=');
      if (eq < 0) {
        throw bad(text, "option '" + part + "' is not KEY=VALUE");
      }
      String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String value = part.substring(eq + 1).trim();
      if (value.isEmpty()) {
        // "sni=" with nothing is a template whose variable was empty, not a wish for no SNI.
        throw bad(text, "option '" + key + "' has no value");
      }
      if (!seen.add(key)) {
        throw bad(text, "option '" + key + "' is given twice");
      }
      switch (key) {
        case "sni" -> {
          String sniProblem = value.contains(":") ? ipv6Problem(value) : hostProblem(value);
          if (sniProblem != null) {
            throw bad(text, "sni '" + value + "' " + sniProblem);
          }
          sni = value;
        }
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

  /**
   * Why {@code host} cannot be a host name or IPv4 address (RFC 1123 labels; {@code _} is allowed
   * since internal names use it), or null when it can. Checked here because the resolver would only
   * say "unknown host" at scan time, a retryable failure instead of the typo it is.
   */
  static String hostProblem(String host) {
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (!(c >= 'a' && c <= 'z'
          || c >= 'A' && c <= 'Z'
          || c >= '0' && c <= '9'
          || c == '-'
          || c == '_'
          || c == '.')) {
        String hint = c > 127 ? " (write internationalised names in their xn-- form)" : "";
        return String.format(
            "holds character U+%04X%s, which a host name cannot%s",
            (int) c,
            Character.isISOControl(c) || Character.isWhitespace(c) ? "" : " '" + c + "'",
            hint);
      }
    }
    String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    if (name.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9')) {
      // The JDK reads "10.1" or "167772161" as IPv4 too; only a dotted quad is meant as one.
      String[] octets = name.split("\\.", -1);
      boolean quad = octets.length == 4;
      for (String o : octets) {
        quad &= !o.isEmpty() && o.length() <= 3 && Integer.parseInt(o) <= 255;
      }
      return quad && !host.endsWith(".") ? null : "is not an IPv4 address (expected A.B.C.D)";
    }
    if (name.length() > 253) {
      return "is longer than 253 characters";
    }
    for (String label : name.split("\\.", -1)) {
      if (label.isEmpty()) {
        return "has an empty label (two dots, or a leading dot)";
      }
      if (label.length() > 63) {
        return "has a label longer than 63 characters";
      }
      if (label.startsWith("-") || label.endsWith("-")) {
        return "has a label that starts or ends with '-'";
      }
    }
    return null;
  }

  /** Why {@code host} (without brackets) is not an IPv6 address, or null when it is one. */
  static String ipv6Problem(String host) {
    if (!host.contains(":")) {
      return "is not an IPv6 address";
    }
    try {
      // A bracketed literal is parsed, never looked up: an invalid one fails without DNS.
      InetAddress.getByName("[" + host + "]");
      return null;
    } catch (UnknownHostException e) {
      return "is not an IPv6 address";
    }
  }

  private static IllegalArgumentException bad(String text, String why) {
    return new IllegalArgumentException("target '" + text.trim() + "': " + why + "; form: " + FORM);
  }
}
