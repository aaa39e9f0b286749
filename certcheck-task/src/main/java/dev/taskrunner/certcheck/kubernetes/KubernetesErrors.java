package dev.taskrunner.certcheck.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** Reason codes and one-line descriptions of API failures; never the request's credentials. */
final class KubernetesErrors {
  private KubernetesErrors() {}

  static String reason(KubernetesClientException e) {
    return switch (e.getCode()) {
      case 401 -> "unauthorized";
      case 403 -> "permission_denied";
      case 404 -> "not_found";
      default -> "api_error";
    };
  }

  static String describe(KubernetesClientException e) {
    String status = e.getStatus() != null ? e.getStatus().getMessage() : null;
    String m = status != null ? status : e.getMessage();
    m = m == null ? e.getClass().getSimpleName() : m.replaceAll("\\s+", " ").trim();
    // The client's own message names only the operation; the cause says what went wrong.
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != e) {
      m +=
          " ("
              + root.getClass().getSimpleName()
              + (root.getMessage() == null ? "" : ": " + root.getMessage())
              + ")";
    }
    return (e.getCode() > 0 ? "HTTP " + e.getCode() + ": " : "")
        + (m.length() > 300 ? m.substring(0, 300) + "..." : m);
  }
}
