package dev.entente.runtime.spring;

import dev.entente.bootstrap.TransactionContext;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.Xids;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spring's after-commit calls of local transactions that ended inside a global transaction this service
 * joined (over HTTP, gRPC, ...): the outcome never reaches the thread that did the work, so the calls are
 * held until phase 2 of one of this service's branches of that transaction ends here, and made then with
 * the outcome that branch met, on a thread of their own ({@code entente-spring-callbacks}), so that no
 * callback delays phase 2. Where no phase 2 comes (the branches voted read-only, or its command was lost),
 * the coordinator is asked at the transaction's deadline. Held calls live in memory, as Spring's own do: a
 * service that dies before the outcome never makes them.
 */
final class JoinedSynchronizations {

    private static final Logger LOG = LoggerFactory.getLogger(JoinedSynchronizations.class);
    private static final long CLOCK_MARGIN_MILLIS = 1000;
    private static final long RETRY_MILLIS = 2000;

    private final Map<String, HeldCalls> held = new ConcurrentHashMap<>();
    private final Function<String, Outcome> outcomeAtDeadline;
    private final ScheduledExecutorService timer;
    private volatile ExecutorService callbacks; // started on first use

    /**
     * @param outcomeAtDeadline the coordinator's final answer for a transaction past its deadline (it writes
     *                          an abort first if no decision names it); may throw when it cannot be asked
     * @param timer             runs the deadline checks
     */
    JoinedSynchronizations(Function<String, Outcome> outcomeAtDeadline, ScheduledExecutorService timer) {
        this.outcomeAtDeadline = outcomeAtDeadline;
        this.timer = timer;
    }

    void hold(String xid, HeldCalls.HeldCall call) {
        while (true) {
            HeldCalls calls = held.computeIfAbsent(xid, this::watched);
            if (calls.add(call)) {
                return;
            }
            // made already (a phase 2 that came before this local commit ended): a new list waits for the deadline
            held.remove(xid, calls);
        }
    }

    /** Phase 2 of a branch of {@code xid} ended here: the calls held for it are made, for that outcome. */
    void phaseTwoEnded(String xid, boolean committed) {
        HeldCalls calls = held.remove(xid);
        if (calls != null) {
            make(xid, calls, committed ? HeldCalls.STATUS_COMMITTED : HeldCalls.STATUS_ROLLED_BACK);
        }
    }

    private HeldCalls watched(String xid) {
        long due = Xids.deadlineMillis(xid) + CLOCK_MARGIN_MILLIS - System.currentTimeMillis();
        schedule(xid, Math.max(due, 0)); // refused only while the runtime closes: its held calls go with it
        return new HeldCalls();
    }

    /** False if the timer takes no more work (the runtime is closing). */
    private boolean schedule(String xid, long delayMillis) {
        try {
            handOff(() -> timer.schedule(() -> atDeadline(xid), delayMillis, TimeUnit.MILLISECONDS));
            return true;
        } catch (RejectedExecutionException closing) {
            return false;
        }
    }

    private void atDeadline(String xid) {
        HeldCalls calls = held.get(xid);
        if (calls == null) {
            return;
        }
        Outcome outcome;
        try {
            outcome = outcomeAtDeadline.apply(xid);
        } catch (RuntimeException e) {
            LOG.info("Spring's after-commit callbacks of {} wait for its outcome, which the coordinator cannot give now ({}); "
                    + "asking again in {} ms", xid, e.getMessage(), RETRY_MILLIS);
            outcome = Outcome.ACTIVE;
        }
        if (outcome == Outcome.ACTIVE) {
            if (!schedule(xid, RETRY_MILLIS)) {
                held.remove(xid, calls);
            }
        } else if (held.remove(xid, calls)) {
            make(xid, calls, outcome == Outcome.COMMITTED ? HeldCalls.STATUS_COMMITTED : HeldCalls.STATUS_ROLLED_BACK);
        }
    }

    private void make(String xid, HeldCalls calls, int status) {
        try {
            handOff(() -> callbacks().execute(() -> {
                try {
                    calls.run(status);
                } catch (RuntimeException | Error e) {
                    LOG.warn("Spring's after-commit callback of {}, a global transaction this service joined, failed: {}",
                            xid, e.toString(), e);
                }
            }));
        } catch (RejectedExecutionException closing) {
            LOG.debug("Spring's after-commit callbacks of {} are not made: the runtime is closing", xid);
        }
    }

    /**
     * Hands work to another thread with no transaction bound here: the agent carries the transaction of the
     * thread that hands off (the joined request's, say) into the work, and the callbacks, run inside it, would
     * be held again.
     */
    private static void handOff(Runnable handOff) {
        String bound = TransactionContext.bind(null);
        try {
            handOff.run();
        } finally {
            TransactionContext.restore(bound);
        }
    }

    private ExecutorService callbacks() {
        ExecutorService started = callbacks;
        if (started == null) {
            synchronized (this) {
                if (callbacks == null) {
                    callbacks = Executors.newSingleThreadExecutor(task -> {
                        Thread thread = new Thread(task, "entente-spring-callbacks");
                        thread.setDaemon(true);
                        return thread;
                    });
                }
                started = callbacks;
            }
        }
        return started;
    }
}
