/** Certificate files: expanding paths, directories and globs, reading them, naming failures. */
package dev.taskrunner.certcheck.file;
