/** What to check: endpoint definitions, their syntax, STARTTLS protocols and sharding. */
package dev.taskrunner.certcheck.target;
