/**
 * Certificate chains: facts about each certificate, the path to a trust anchor, PKIX validation at
 * the run's clock, hostname matching, and the status they add up to.
 */
package dev.taskrunner.certcheck.chain;
