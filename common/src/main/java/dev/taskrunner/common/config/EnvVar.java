package dev.taskrunner.common.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the environment variable(s) of an option when the ecosystem already has one ({@code
 * PGHOST}, {@code PUSHGATEWAY_URL}); without it the name is the task prefix plus the option's long
 * name in upper snake case ({@code --older-than} of cleanup is {@code CLEANUP_OLDER_THAN}). The
 * first name that is set wins; each name also has a {@code NAME_FILE} form.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD})
public @interface EnvVar {
  String[] value();
}
