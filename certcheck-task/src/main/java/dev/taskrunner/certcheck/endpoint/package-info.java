/** TLS endpoints: connect, STARTTLS, capture the presented chain within one deadline. */
package dev.taskrunner.certcheck.endpoint;
