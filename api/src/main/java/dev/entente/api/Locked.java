package dev.entente.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Holds a distributed lock named by {@link #key()} while the method runs; inside a global
 * transaction, until the transaction is finished. The holder's fencing token is available through
 * {@link Locks#fencingToken(String)}.
 *
 * <p>Key templates: {@code {0}} is the first argument, {@code {1.id}} a property of the second.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Locked {

    /** The lock's key, a template over the method's arguments, e.g. {@code "sku:{0}"}. */
    String key();

    /** How long to wait for the lock before failing; 0 means the default. */
    long waitMillis() default 0;
}
