package dev.taskrunner.certcheck.decode;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Certificates read from one file or Secret key.
 *
 * @param kind the format recognised from the content: {@code pem}, {@code der}, {@code pkcs12},
 *     {@code jks}, {@code jceks}
 * @param certificates in the order they appear; never empty
 */
public record DecodedBundle(String kind, List<X509Certificate> certificates) {}
