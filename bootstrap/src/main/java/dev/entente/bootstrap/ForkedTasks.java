package dev.entente.bootstrap;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The XIDs of {@code ForkJoinTask}s handed to a pool ({@code execute}, {@code submit}, {@code invoke}) or
 * forked under a global transaction, until a worker runs them. A {@code ForkJoinTask} cannot be wrapped
 * as a {@code Runnable} can (the pool hands the caller back the very task it was given), so its XID is
 * kept beside it and bound around its execution; a task forked while it runs is kept in turn, so a
 * divided-and-conquered job stays in the transaction whichever worker steals its parts.
 *
 * <p>Tasks are held weakly (one that is cancelled before it runs is simply forgotten). Outside global
 * transactions a task's execution costs one read of a counter: the map is consulted only while some
 * task handed off under a transaction has not run yet.
 */
public final class ForkedTasks {

    /** What {@link #running} returns when it bound nothing, for {@link #ran} to leave the thread alone. */
    public static final String UNCHANGED = new String("unchanged");

    private static final Map<Object, String> PENDING = Collections.synchronizedMap(new WeakHashMap<>());
    /** Tasks kept and not yet run (an upper bound: a task collected before it ran is still counted). */
    private static final AtomicInteger KEPT = new AtomicInteger();

    private ForkedTasks() {
    }

    /** {@code task} is handed off (or forked) now: it runs under the XID bound to this thread, if any. */
    public static void handedOff(Object task) {
        String xid = TransactionContext.currentXid();
        if (xid != null && task != null && PENDING.put(task, xid) == null) {
            KEPT.incrementAndGet();
        }
    }

    /** {@code task} starts to run on this thread: binds its XID; returns what to hand {@link #ran}. */
    public static String running(Object task) {
        if (KEPT.get() == 0) {
            return UNCHANGED;
        }
        String xid = PENDING.remove(task);
        if (xid == null) {
            return UNCHANGED;
        }
        KEPT.decrementAndGet();
        return TransactionContext.bind(xid);
    }

    /** The task that {@link #running} returned {@code previous} for has run: puts back the thread's binding. */
    public static void ran(String previous) {
        if (previous != UNCHANGED) {
            TransactionContext.restore(previous);
        }
    }
}
