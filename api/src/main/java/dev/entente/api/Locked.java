package dev.entente.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Holds a distributed lock (on ZooKeeper) named by {@link #key()} while the method runs; inside a
 * global transaction, until the transaction is finished (decided and every branch through phase 2).
 * Re-entrant for the same transaction, or outside one the same thread. The holder's fencing token is
 * available through {@link Locks#fencingToken(String)}. On a method that is also
 * {@link GlobalTransactional}, the transaction begins first and the lock is taken inside it.
 *
 * <p>Key templates: {@code {0}} is the first argument, {@code {1.id}} a property of the second.
 *
 * <p>Fails with {@link LockNotAcquiredException} if the lock is not had within the wait, and with
 * {@link LockLostException} if the ZooKeeper connection was suspended or the session lost while held
 * (a global transaction holding it then rolls back).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Locked {

    /** The lock's key, a template over the method's arguments, e.g. {@code "sku:{0}"}. */
    String key();

    /** How long to wait for the lock before failing; 0 means the {@code lock-wait} setting (default 10 s). */
    long waitMillis() default 0;
}
