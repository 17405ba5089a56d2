package dev.entente.runtime.spring;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;

/**
 * The after-commit calls Spring was about to make for the local transactions that ended inside one global
 * transaction, held until its outcome is known, then made in the order they were held. Commit:
 * {@code afterCommit}, then {@code afterCompletion(STATUS_COMMITTED)}; rollback: {@code
 * afterCompletion(STATUS_ROLLED_BACK)} only; an unknown outcome: {@code afterCompletion(STATUS_UNKNOWN)}.
 */
final class HeldCalls {

    /** {@code TransactionSynchronization.STATUS_*}. */
    static final int STATUS_COMMITTED = 0;
    static final int STATUS_ROLLED_BACK = 1;
    static final int STATUS_UNKNOWN = 2;

    /** One call Spring was about to make: {@code utils.invokeAfterCommit} or {@code utils.invokeAfterCompletion}. */
    record HeldCall(Class<?> utils, List<?> synchronizations, boolean afterCommit) {
    }

    private final List<HeldCall> calls = new ArrayList<>();
    private boolean made;

    /** Holds {@code call}; false if the calls were made already, and this one is not held. */
    synchronized boolean add(HeldCall call) {
        if (made) {
            return false;
        }
        calls.add(call);
        return true;
    }

    /**
     * Makes every held call for {@code status}. As in Spring's own commit, {@code afterCompletion} still runs
     * when an {@code afterCommit} threw; the first failure is thrown once all ran.
     */
    synchronized void run(int status) {
        made = true;
        RuntimeException failed = null;
        for (HeldCall call : calls) {
            try {
                call(call, status);
            } catch (RuntimeException e) {
                failed = failed == null ? e : failed;
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    private static void call(HeldCall call, int status) {
        try {
            if (!call.afterCommit()) {
                call.utils().getMethod("invokeAfterCompletion", List.class, int.class).invoke(null, call.synchronizations(), status);
            } else if (status == STATUS_COMMITTED) {
                call.utils().getMethod("invokeAfterCommit", List.class).invoke(null, call.synchronizations());
            }
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("Spring's after-commit callback failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot call Spring's after-commit callbacks held for the global outcome ("
                    + call.utils().getName() + "): " + e, e);
        }
    }
}
