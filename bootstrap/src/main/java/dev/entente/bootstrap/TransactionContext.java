package dev.entente.bootstrap;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The global transaction bound to the current thread. With the agent attached this class lives on the
 * bootstrap class path, so the application's code, the instrumented libraries and Entente's isolated
 * runtime all see the same binding.
 */
public final class TransactionContext {

    private static final ThreadLocal<String> XID = new ThreadLocal<>();

    /** Told of every change of a thread's binding, on that thread (the runtime keeps log contexts in step). */
    public interface BindingListener {
        /** @param xid the XID now bound, or null when none is */
        void bound(String xid);
    }

    private static volatile BindingListener listener = xid -> { };

    public static void setBindingListener(BindingListener newListener) {
        listener = newListener == null ? xid -> { } : newListener;
    }

    private TransactionContext() {
    }

    /** The XID bound to the current thread, or null. */
    public static String currentXid() {
        return XID.get();
    }

    /** Binds {@code xid} (null unbinds) and returns what was bound before, for {@link #restore}. */
    public static String bind(String xid) {
        String previous = XID.get();
        if (xid == null) {
            XID.remove();
        } else {
            XID.set(xid);
        }
        if (xid == null ? previous != null : !xid.equals(previous)) {
            listener.bound(xid);
        }
        return previous;
    }

    /** Puts back a binding returned by {@link #bind}. */
    public static void restore(String previous) {
        bind(previous);
    }

    /**
     * {@code task}, made to run under the XID bound now (if any) on whichever thread runs it. A hand-off
     * made by a connection pool's own code (opening a connection on its own thread because a borrower
     * asked) is not the borrower's work and is left unbound: the connection would join the borrower's
     * transaction on the wrong thread.
     */
    public static Runnable wrap(Runnable task) {
        String xid = XID.get();
        if (xid == null || task == null || task instanceof BoundRunnable || handedOffByAPool()) {
            return task;
        }
        return new BoundRunnable(task, xid);
    }

    /** {@code task}, made to run under the XID bound now (if any): {@link #wrap(Runnable)} for a result-bearing task (named apart so that a lambda is never ambiguous). */
    public static <V> Callable<V> wrapCallable(Callable<V> task) {
        String xid = XID.get();
        if (xid == null || task == null || task instanceof BoundCallable || handedOffByAPool()) {
            return task;
        }
        return new BoundCallable<>(task, xid);
    }

    /**
     * {@code tasks}, each made to run under the XID bound now ({@code invokeAll}, {@code invokeAny}); the
     * same collection when no XID is bound.
     */
    public static <V> Collection<? extends Callable<V>> wrapAll(Collection<? extends Callable<V>> tasks) {
        if (XID.get() == null || tasks == null) {
            return tasks;
        }
        List<Callable<V>> bound = new ArrayList<>(tasks.size());
        for (Callable<V> task : tasks) {
            bound.add(wrapCallable(task));
        }
        return bound;
    }

    /**
     * {@code task} made to run under the XID bound now, whoever hands it off: the application asked for
     * it by name ({@code GlobalTransaction.wrap}).
     */
    public static Runnable carry(Runnable task) {
        String xid = XID.get();
        return xid == null || task instanceof BoundRunnable ? task : new BoundRunnable(task, xid);
    }

    /** {@link #carry(Runnable)} for a result-bearing task. */
    public static <V> Callable<V> carryCallable(Callable<V> task) {
        String xid = XID.get();
        return xid == null || task instanceof BoundCallable ? task : new BoundCallable<>(task, xid);
    }

    private static final String[] POOL_PACKAGES = {"com.zaxxer.hikari.", "org.apache.commons.dbcp2.",
        "org.apache.tomcat.jdbc.pool.", "com.mchange.v2.", "org.vibur.dbcp.", "oracle.ucp."};

    /** Whether the code that called the executor (the first caller outside the JDK) is a connection pool's. */
    private static boolean handedOffByAPool() {
        String caller = StackWalker.getInstance().walk(frames -> frames.map(StackWalker.StackFrame::getClassName)
                .filter(name -> !name.startsWith("java.") && !name.startsWith("jdk.") && !name.startsWith("sun.")
                        && !name.startsWith("dev.entente.bootstrap."))
                .findFirst().orElse(""));
        for (String pool : POOL_PACKAGES) {
            if (caller.startsWith(pool)) {
                return true;
            }
        }
        return false;
    }

    /** Runs {@code work} with {@code xid} bound (null: none), then puts back what was bound before. */
    static <V> V callBound(String xid, Callable<V> work) throws Exception {
        String previous = bind(xid);
        try {
            return work.call();
        } finally {
            restore(previous);
        }
    }

    /** A result-bearing task carrying the XID of the thread that handed it off. */
    static final class BoundCallable<V> implements Callable<V> {
        private final Callable<V> task;
        private final String xid;

        BoundCallable(Callable<V> task, String xid) {
            this.task = task;
            this.xid = xid;
        }

        @Override
        public V call() throws Exception {
            return callBound(xid, task);
        }
    }

    /** A task carrying the XID of the thread that handed it off. */
    static final class BoundRunnable implements Runnable {
        private final Runnable task;
        private final String xid;

        BoundRunnable(Runnable task, String xid) {
            this.task = task;
            this.xid = xid;
        }

        @Override
        public void run() {
            String previous = bind(xid);
            try {
                task.run();
            } finally {
                restore(previous);
            }
        }
    }
}
