package dev.entente.api;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.util.Optional;
import java.util.concurrent.Callable;

/** The global transaction bound to the current thread, as seen by application code. */
public final class GlobalTransaction {

    private static final String CONTEXT_CLASS = "dev.entente.bootstrap.TransactionContext";
    private static final MethodHandle CURRENT_XID = EntenteContext.find(CONTEXT_CLASS, "currentXid",
            MethodType.methodType(String.class));
    private static final MethodHandle CARRY_RUNNABLE = EntenteContext.find(CONTEXT_CLASS, "carry",
            MethodType.methodType(Runnable.class, Runnable.class));
    private static final MethodHandle CARRY_CALLABLE = EntenteContext.find(CONTEXT_CLASS, "carryCallable",
            MethodType.methodType(Callable.class, Callable.class));

    private GlobalTransaction() {
    }

    /** The XID of the global transaction the current thread works in, if any. */
    public static Optional<String> currentXid() {
        if (CURRENT_XID == null) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable((String) CURRENT_XID.invokeExact());
        } catch (Throwable e) {
            throw new IllegalStateException("cannot read Entente's transaction context", e);
        }
    }

    /**
     * {@code task}, made to run in the global transaction the current thread works in, on whichever
     * thread runs it: for a hand-off the agent does not see (a thread started by hand, a library's own
     * queue). The task's database work joins the transaction, which commits or rolls back with it; it
     * must end before the transaction does (before the {@code @GlobalTransactional} method returns).
     * Outside a global transaction (or without Entente) {@code task} itself is returned.
     *
     * <pre>{@code
     * Thread worker = new Thread(GlobalTransaction.wrap(() -> audit.record(order)));
     * worker.start();
     * worker.join();
     * }</pre>
     */
    public static Runnable wrap(Runnable task) {
        if (CARRY_RUNNABLE == null || task == null) {
            return task;
        }
        try {
            return (Runnable) CARRY_RUNNABLE.invokeExact(task);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot read Entente's transaction context", e);
        }
    }

    /**
     * {@link #wrap(Runnable)} for a task with a result. Named apart from it so that a lambda such as
     * {@code () -> audit.record(order)} is never taken for a {@code Callable} where a {@code Runnable}
     * is wanted.
     */
    @SuppressWarnings("unchecked")
    public static <V> Callable<V> wrapCallable(Callable<V> task) {
        if (CARRY_CALLABLE == null || task == null) {
            return task;
        }
        try {
            return (Callable<V>) (Callable<?>) CARRY_CALLABLE.invokeExact(task);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot read Entente's transaction context", e);
        }
    }
}
