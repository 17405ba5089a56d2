package dev.entente.bootstrap;

import java.util.List;

/**
 * What a framework's local transaction manager tells the runtime as its transaction ends: Spring's
 * {@code TransactionSynchronizationUtils} is about to call the application's after-commit callbacks. Inside
 * a global transaction the local commit only prepared a branch, so the runtime may take the callbacks and
 * call them once the global outcome is known. Spring's types are {@code Object} and {@code Class}: this
 * bootstrap class cannot see them.
 */
public interface LocalTransactionHook {

    LocalTransactionHook NONE = new LocalTransactionHook() {
    };

    /**
     * {@code utils.invokeAfterCommit(synchronizations)} is about to run: returns true if the runtime takes
     * it, to call it after the global commit (and never if the global transaction rolls back).
     */
    default boolean deferAfterCommit(Class<?> utils, List<?> synchronizations) {
        return false;
    }

    /**
     * {@code utils.invokeAfterCompletion(synchronizations, status)} is about to run: returns true if the
     * runtime takes it, to call it with the global outcome's status once that is known.
     */
    default boolean deferAfterCompletion(Class<?> utils, List<?> synchronizations, int status) {
        return false;
    }
}
