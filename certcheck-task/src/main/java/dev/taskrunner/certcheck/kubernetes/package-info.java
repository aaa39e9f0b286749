/**
 * Kubernetes sources: TLS Secrets (and Secrets with {@code tls.crt}/{@code ca.crt}) and
 * cert-manager {@code Certificate} status, read through the fabric8 client with the pod's service
 * account.
 */
package dev.taskrunner.certcheck.kubernetes;
