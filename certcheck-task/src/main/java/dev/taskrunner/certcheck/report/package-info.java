/**
 * Telling what was found: JSON fields of results, the summary, the report file, the metrics and the
 * exit code. Depends only on {@code result}.
 */
package dev.taskrunner.certcheck.report;
