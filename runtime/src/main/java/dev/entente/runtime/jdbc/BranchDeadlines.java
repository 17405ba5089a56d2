package dev.entente.runtime.jdbc;

import dev.entente.protocol.Outcome;
import dev.entente.protocol.Xids;
import dev.entente.runtime.jdbc.xa.BranchXid;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deadlines enforced at the edge (protocol v2): a branch prepared here whose vote rode a response or
 * a Commit may be unknown to the coordinator (the owner died before its Commit, a response was lost),
 * so nobody else would ever end it. If its phase 2 has not come by its transaction's deadline (plus a
 * second for clocks), it is settled here as the coordinator answers for it: the coordinator writes an
 * abort first if no decision names it, so no later Commit can contradict a rollback done here.
 */
final class BranchDeadlines {

    private static final Logger LOG = LoggerFactory.getLogger(BranchDeadlines.class);
    private static final long CLOCK_MARGIN_MILLIS = 1000;
    private static final long RETRY_MILLIS = 2000;

    /** Settles one branch: asks the coordinator and finishes it; returns the outcome it acted on, or null if it could not. */
    interface Settler {
        Outcome settle(BranchXid xid, String resource);
    }

    private final ScheduledExecutorService timer;
    private final Settler settler;
    /** The resource of each branch being watched. */
    private final Map<BranchXid, String> pending = new ConcurrentHashMap<>();

    BranchDeadlines(ScheduledExecutorService timer, Settler settler) {
        this.timer = timer;
        this.settler = settler;
    }

    /** {@code xid} prepared here: it is settled at its deadline unless {@link #finished} before. */
    void watch(BranchXid xid, String resource) {
        if (pending.putIfAbsent(xid, resource) == null) {
            long due = Xids.deadlineMillis(xid.globalXid()) + CLOCK_MARGIN_MILLIS - System.currentTimeMillis();
            schedule(xid, Math.max(due, 0));
        }
    }

    /** {@code xid}'s phase 2 is done here. */
    void finished(BranchXid xid) {
        pending.remove(xid);
    }

    private void schedule(BranchXid xid, long delayMillis) {
        try {
            timer.schedule(() -> settle(xid), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            pending.remove(xid);
        }
    }

    private void settle(BranchXid xid) {
        String resource = pending.get(xid);
        if (resource == null) {
            return;
        }
        Outcome outcome = settler.settle(xid, resource);
        if (outcome == null || outcome == Outcome.ACTIVE) {
            LOG.info("branch {} of {} is past its transaction's deadline and not settled yet ({}); asking again in {} ms",
                    xid.branchId(), xid.globalXid(), outcome == null ? "no answer" : "the coordinator says ACTIVE", RETRY_MILLIS);
            schedule(xid, RETRY_MILLIS);
        } else {
            pending.remove(xid);
        }
    }
}
