package dev.entente.bootstrap;

/**
 * The global transaction bound to the current thread. With the agent attached this class lives on the
 * bootstrap class path, so the application's code, the instrumented libraries and Entente's isolated
 * runtime all see the same binding.
 */
public final class TransactionContext {

    private static final ThreadLocal<String> XID = new ThreadLocal<>();

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
        return previous;
    }

    /** Puts back a binding returned by {@link #bind}. */
    public static void restore(String previous) {
        bind(previous);
    }

    /** {@code task}, made to run under the XID bound now (if any) on whichever thread runs it. */
    public static Runnable wrap(Runnable task) {
        String xid = XID.get();
        if (xid == null || task == null || task instanceof BoundRunnable) {
            return task;
        }
        return new BoundRunnable(task, xid);
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
