package dev.taskrunner.certcheck.decode;

/**
 * Certificates could not be read from some content. The reason codes are
 * x509-certificate-exporter's: {@code bad_pem}, {@code no_certificate_found}, {@code bad_pkcs12},
 * {@code bad_jks}, {@code bad_passphrase}, {@code decode_failed}. Messages never contain a
 * password.
 */
public final class DecodeFailure extends Exception {
  private static final long serialVersionUID = 1L;

  private final String reason;

  public DecodeFailure(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
