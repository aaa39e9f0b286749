package dev.taskrunner.cleanup.rule;

/** The verdict of an {@link AgeRule} on one timestamp. */
public enum Age {
  /** Past the cutoff: may be deleted. */
  OLD,
  /** Not past the cutoff. */
  YOUNG,
  /** After "now" (clock skew, a writer with a wrong clock): never deleted, counted. */
  FUTURE
}
