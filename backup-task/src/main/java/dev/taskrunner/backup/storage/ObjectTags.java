package dev.taskrunner.backup.storage;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Object tags in S3's {@code k=v&k2=v2} form (the {@code x-amz-tagging} header). */
public final class ObjectTags {
  private ObjectTags() {}

  /** Parses {@code k=v&k2=v2} (or comma-separated); throws IllegalArgumentException on junk. */
  public static Map<String, String> parse(String text) {
    Map<String, String> tags = new LinkedHashMap<>();
    if (text == null || text.isBlank()) {
      return tags;
    }
    for (String pair : text.split("[&,]")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("tag '" + pair + "' is not key=value");
      }
      tags.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
    }
    if (tags.size() > 10) {
      throw new IllegalArgumentException("S3 allows at most 10 tags per object");
    }
    return tags;
  }

  static String encode(Map<String, String> tags) {
    return tags.entrySet().stream()
        .map(e -> url(e.getKey()) + "=" + url(e.getValue()))
        .collect(Collectors.joining("&"));
  }

  private static String url(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
