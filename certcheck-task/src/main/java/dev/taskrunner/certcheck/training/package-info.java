/**
 * The AOT training workload: loopback TLS servers that the image's training run probes, so the
 * JDK's AOT cache holds the classes and method profiles of real handshakes.
 */
package dev.taskrunner.certcheck.training;
