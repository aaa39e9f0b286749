package dev.taskrunner.certcheck.chain;

import java.net.IDN;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * RFC 6125 basics: DNS names are matched against dNSName SANs (a wildcard only as the whole
 * left-most label, matching exactly one label), IP literals against iPAddress SANs. The subject CN
 * is not consulted: browsers and Go stopped doing so, and a CN-only certificate fails there too.
 */
public final class HostnameMatcher {
  private HostnameMatcher() {}

  /** Whether {@code cert} is valid for {@code name} (a DNS name or an IP literal). */
  public static boolean matches(X509Certificate cert, String name) {
    Collection<List<?>> sans;
    try {
      sans = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return false;
    }
    if (sans == null) {
      return false;
    }
    boolean ip = isIpLiteral(name);
    for (List<?> san : sans) {
      int type = (Integer) san.get(0);
      String value = String.valueOf(san.get(1));
      if (ip && type == 7 && sameAddress(value, name)) {
        return true;
      }
      if (!ip && type == 2 && dnsMatches(value, name)) {
        return true;
      }
    }
    return false;
  }

  // Compiled once: String.matches compiled it again for every target (twice per endpoint probe).
  private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  /** True for IPv4 dotted quads and anything with a colon (IPv6). */
  public static boolean isIpLiteral(String name) {
    return name.contains(":") || DOTTED_QUAD.matcher(name).matches();
  }

  static boolean dnsMatches(String pattern, String host) {
    String p = normalise(pattern);
    String h = normalise(host);
    if (p.startsWith("*.")) {
      int dot = h.indexOf('.');
      // "*.example.com" matches "a.example.com", not "example.com" nor "a.b.example.com".
      return dot > 0 && h.substring(dot).equals(p.substring(1)) && p.indexOf('.', 2) > 0;
    }
    return p.equals(h);
  }

  private static String normalise(String name) {
    String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    try {
      n = IDN.toASCII(n, IDN.ALLOW_UNASSIGNED);
    } catch (IllegalArgumentException e) {
      // Keep the raw name; it will simply not match.
    }
    return n.toLowerCase(Locale.ROOT);
  }

  private static boolean sameAddress(String a, String b) {
    try {
      return InetAddress.getByName(strip(a)).equals(InetAddress.getByName(strip(b)));
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String strip(String ip) {
    return ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
  }
}
