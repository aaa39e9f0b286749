/**
 * What a check found: statuses, per-certificate facts, per-target results and thresholds. Depends
 * on nothing else in the task, so every other package can use it.
 */
package dev.taskrunner.certcheck.result;
