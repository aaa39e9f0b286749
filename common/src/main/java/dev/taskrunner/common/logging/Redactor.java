package dev.taskrunner.common.logging;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Removes secrets from text before it is written anywhere: every registered secret value (and its
 * URL-encoded form), plus {@code password=...}-style pairs, URL user-info and S3 signatures that
 * were never registered. Every log line passes through {@link #redact} in the encoder, so a secret
 * inside an exception message or a stack trace is caught too.
 */
public final class Redactor {
  public static final String MASK = "***";

  /** Values shorter than this are not masked: masking "a" would garble every line. */
  static final int MIN_SECRET_LENGTH = 3;

  private static final Redactor GLOBAL = new Redactor();

  /**
   * The credential patterns. {@link CredentialHints} holds, per pattern and in the same order, the
   * literals every match must contain: change both together.
   */
  private static final List<Pattern> PATTERNS =
      List.of(
          // key=value and key: value pairs whose key names a credential; for an Authorization
          // header the scheme (Bearer, Basic, ...) stays readable and the credential after it goes.
          Pattern.compile(
              "(?i)((?:(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|secret[_-]?key"
                  + "|credential)[\"']?\\s*[=:]\\s*)"
                  + "|(?:authorization[\"']?\\s*[=:]\\s*(?:(?:bearer|basic|digest|negotiate)\\s+)?))"
                  + "(\"[^\"]*\"|'[^']*'|[^\\s&,;\"']+)"),
          // user:password@ in URLs and libpq connection strings.
          Pattern.compile("(?i)([a-z][a-z0-9+.-]*://[^/\\s:@]*:)([^@\\s/]+)(@)"),
          // SigV4 / SigV2 signatures in pre-signed URLs and headers.
          Pattern.compile("(?i)((?:X-Amz-Signature|Signature)=)([0-9a-zA-Z%+/=]+)"),
          Pattern.compile("(?i)(X-Amz-Security-Token=)([^&\\s]+)"));

  private volatile List<String> secrets = List.of();

  /** The process-wide redactor that the log encoders use. */
  public static Redactor global() {
    return GLOBAL;
  }

  /** Registers a secret value; from now on it is masked in every line. */
  public synchronized void register(String secret) {
    if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
      return;
    }
    List<String> next = new ArrayList<>(secrets);
    for (String variant :
        List.of(secret, URLEncoder.encode(secret, StandardCharsets.UTF_8), secret.strip())) {
      if (variant.length() >= MIN_SECRET_LENGTH && !next.contains(variant)) {
        next.add(variant);
      }
    }
    // Longest first, so a secret that contains another is masked whole.
    next.sort(Comparator.comparingInt(String::length).reversed());
    secrets = List.copyOf(next);
  }

  public String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = text;
    for (String secret : secrets) {
      if (out.contains(secret)) {
        out = out.replace(secret, MASK);
      }
    }
    return applyPatterns(out, true);
  }

  /**
   * Runs each pattern whose literal prerequisites the text contains. With {@code preCheck} false
   * every pattern runs: the reference the pre-check is tested against.
   */
  String applyPatterns(String text, boolean preCheck) {
    String out = text;
    for (int i = 0; i < PATTERNS.size(); i++) {
      if (preCheck && !CredentialHints.mayMatch(i, out)) {
        continue;
      }
      out =
          PATTERNS
              .get(i)
              .matcher(out)
              .replaceAll(
                  m -> quote(m.group(1)) + MASK + (m.groupCount() >= 3 ? quote(m.group(3)) : ""));
    }
    return out;
  }

  private static String quote(String s) {
    return java.util.regex.Matcher.quoteReplacement(s);
  }
}
