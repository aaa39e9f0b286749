package dev.taskrunner.certcheck.target;

import dev.taskrunner.certcheck.result.TargetId;

/**
 * One TLS endpoint to check.
 *
 * @param host name or IP literal to connect to (IPv6 without brackets)
 * @param port TCP port
 * @param sniOverride server name to send and to check the certificate against instead of {@code
 *     host}; empty when none
 * @param startTls how TLS starts on the connection (default {@link StartTls#NONE})
 * @param label free text carried into results (a team, a purpose); empty when none
 */
public record EndpointTarget(
    String host, int port, String sniOverride, StartTls startTls, String label) {

  /** The name the certificate must be valid for: the SNI override, else the host. */
  public String checkedName() {
    return sniOverride.isEmpty() ? host : sniOverride;
  }

  /** {@code host:port}, bracketing IPv6, followed by the options that change what is checked. */
  public String display() {
    StringBuilder s = new StringBuilder();
    s.append(host.contains(":") ? "[" + host + "]" : host).append(':').append(port);
    if (!sniOverride.isEmpty()) {
      s.append(";sni=").append(sniOverride);
    }
    if (startTls != StartTls.NONE) {
      s.append(";starttls=").append(startTls.label());
    }
    return s.toString();
  }

  public TargetId id() {
    return new TargetId(display(), "endpoint", label);
  }
}
