package dev.entente.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method as a global transaction: every database connection it (and every
 * service it calls over HTTP) touches becomes a branch, and all branches commit or roll back as one.
 *
 * <p>The transaction ends when the outermost annotated method returns. It commits if the method
 * returns normally or throws an exception matched by {@link #noRollbackFor()}; it rolls back if the
 * method throws a {@link RuntimeException} or {@link Error}, or an exception matched by
 * {@link #rollbackFor()}. Checked exceptions commit unless listed in {@link #rollbackFor()}, as in
 * Spring and JTA.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface GlobalTransactional {

    /** A name shown by the coordinator's admin views; defaults to {@code Class.method}. */
    String name() default "";

    /** How long the transaction may run before the coordinator rolls it back; 0 means the default. */
    long timeoutMillis() default 0;

    /** What to do when a global transaction is already bound to the calling thread. */
    Propagation propagation() default Propagation.REQUIRED;

    /** Exceptions (and their subclasses) that roll the transaction back. */
    Class<? extends Throwable>[] rollbackFor() default {};

    /** Exceptions (and their subclasses) that commit the transaction although thrown. */
    Class<? extends Throwable>[] noRollbackFor() default {};
}
