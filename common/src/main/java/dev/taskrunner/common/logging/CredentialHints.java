package dev.taskrunner.common.logging;

/**
 * Exact, cheap pre-checks for the {@link Redactor}'s credential patterns. Every match of a pattern
 * contains certain literals (a credential keyword and {@code =} or {@code :}; {@code ://} and
 * {@code @}; {@code signature=}; {@code x-amz-security-token=}), so text without them cannot match
 * and skips the regex. Most strings the encoder writes (timestamps, logger names, plain messages)
 * are rejected after a scan or two.
 *
 * <p>The literals are compared ignoring ASCII case only, exactly as the patterns' {@code (?i)} does
 * without {@code UNICODE_CASE}; a hint may say "maybe" where the pattern finds nothing (the regex
 * then decides), never "no" where it would match.
 */
final class CredentialHints {
  private CredentialHints() {}

  /**
   * Whether {@link Redactor}'s pattern number {@code pattern} (0-based, in its order) can match.
   */
  static boolean mayMatch(int pattern, String text) {
    return switch (pattern) {
      // password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|secret[_-]?key|credential
      // |authorization, then [=:]
      case 0 -> (text.indexOf('=') >= 0 || text.indexOf(':') >= 0) && hasCredentialKeyword(text);
      // scheme://user:password@
      case 1 -> text.indexOf('@') >= 0 && text.contains("://");
      // (X-Amz-)Signature=
      case 2 -> text.indexOf('=') >= 0 && containsIgnoreAsciiCase(text, "signature=");
      // X-Amz-Security-Token=
      case 3 -> text.indexOf('=') >= 0 && containsIgnoreAsciiCase(text, "x-amz-security-token=");
      default -> true;
    };
  }

  /** One pass: at each letter that can start a keyword, compare that keyword. */
  private static boolean hasCredentialKeyword(String text) {
    int n = text.length();
    for (int i = 0; i < n; i++) {
      boolean found =
          switch (lower(text.charAt(i))) {
            case 'p' -> at(text, i, "pass") || at(text, i, "pwd");
            case 's' -> at(text, i, "secret");
            case 't' -> at(text, i, "token");
            case 'k' -> at(text, i, "key");
            case 'c' -> at(text, i, "credential");
            case 'a' -> at(text, i, "authorization");
            default -> false;
          };
      if (found) {
        return true;
      }
    }
    return false;
  }

  static boolean containsIgnoreAsciiCase(String text, String lowerLiteral) {
    int last = text.length() - lowerLiteral.length();
    char first = lowerLiteral.charAt(0);
    for (int i = 0; i <= last; i++) {
      if (lower(text.charAt(i)) == first && at(text, i, lowerLiteral)) {
        return true;
      }
    }
    return false;
  }

  /** {@code text} has {@code lowerLiteral} at {@code from}, ignoring ASCII case. */
  private static boolean at(String text, int from, String lowerLiteral) {
    int len = lowerLiteral.length();
    if (from + len > text.length()) {
      return false;
    }
    for (int j = 0; j < len; j++) {
      if (lower(text.charAt(from + j)) != lowerLiteral.charAt(j)) {
        return false;
      }
    }
    return true;
  }

  private static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
  }
}
