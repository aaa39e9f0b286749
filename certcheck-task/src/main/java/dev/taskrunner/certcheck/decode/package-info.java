/** Decoding certificates from bytes: PEM bundles, DER, PKCS#12, JKS, JCEKS. */
package dev.taskrunner.certcheck.decode;
