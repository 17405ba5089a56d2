package dev.entente.runtime.jdbc;

import dev.entente.bootstrap.Hooks;
import dev.entente.runtime.jdbc.xa.BranchXid;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.transaction.xa.XAException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepared branches whose database keeps the preparing session bound to them (MariaDB, MySQL): the
 * connection can do nothing else and no other session can finish the branch until this one does. So
 * the connection is held until phase 2: the application's {@code commit}, {@code rollback} and
 * {@code setAutoCommit} on it are absorbed, its {@code close} (of the pool's wrapper or of the
 * physical connection) is deferred, and phase 2 runs on the connection itself, which then goes back to
 * the pool in the autocommit mode the application last asked for. A pool therefore lends one
 * connection fewer per prepared branch until phase 2, as with any XA transaction manager.
 */
final class HeldBranches {

    private static final Logger LOG = LoggerFactory.getLogger(HeldBranches.class);
    private static final long RELEASE_WAIT_SECONDS = 30;

    /** One held connection: its prepared branch and the close the application asked for. */
    private static final class Held {
        final XaBranch branch;
        final CountDownLatch released = new CountDownLatch(1);
        Connection deferredClose;

        Held(XaBranch branch) {
            this.branch = branch;
        }
    }

    private final Map<Connection, Held> byConnection = new IdentityHashMap<>();
    private volatile int count;

    int count() {
        return count;
    }

    synchronized void hold(XaBranch branch) {
        byConnection.put(branch.connection, new Held(branch));
        count = byConnection.size();
    }

    /** Whether {@code physical} is held; if so the application's call on it is absorbed. */
    boolean absorbs(Connection physical) {
        return count != 0 && held(physical) != null;
    }

    /**
     * The application uses held {@code physical} again. Under the branch's own transaction it cannot:
     * the session belongs to the prepared branch until phase 2, which comes only after the
     * transaction's method ends. Otherwise phase 2 is on its way: wait for it (bounded).
     */
    void awaitRelease(Connection physical, String currentXid) throws SQLException {
        Held held = held(physical);
        if (held == null) {
            return;
        }
        if (held.branch.globalXid().equals(currentXid)) {
            throw new SQLException("this " + held.branch.resource + " connection already did its work in global transaction "
                    + currentXid + " and stays bound to its prepared branch until the transaction ends (the database "
                    + "allows no other work on it meanwhile); obtain a connection again for more work in this transaction");
        }
        try {
            if (!held.released.await(RELEASE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new SQLException("this connection still holds prepared " + held.branch + " after "
                        + RELEASE_WAIT_SECONDS + " s: its phase 2 has not come; recovery will finish it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for phase 2 of " + held.branch + " to free this connection", e);
        }
    }

    /** The application set autocommit on a held connection: applied when it is released. */
    boolean absorbAutoCommit(Connection physical, boolean autoCommit) {
        Held held = count == 0 ? null : held(physical);
        if (held == null) {
            return false;
        }
        synchronized (held) {
            held.branch.applicationAutoCommit = autoCommit;
        }
        return true;
    }

    /** The application closed {@code closing} (a wrapper of, or the very) held {@code physical}: deferred. */
    boolean deferClose(Connection physical, Connection closing) {
        Held held = count == 0 ? null : held(physical);
        if (held == null) {
            return false;
        }
        synchronized (held) {
            if (held.deferredClose == null || held.deferredClose == physical) {
                held.deferredClose = closing; // closing the pool's wrapper returns the connection; prefer it
            }
        }
        return true;
    }

    /**
     * Finishes held branch {@code xid} on its own connection and releases the connection. False if this
     * service does not hold it. Phase 2 and recovery may both try at once: the second finds it done. If
     * the connection fails ({@code XAER_RMFAIL}), it is released all the same (closed): the database then
     * detaches the branch and the caller finishes it from another connection.
     */
    boolean finish(BranchXid xid, boolean commit) throws XAException {
        Held held;
        synchronized (this) {
            held = byConnection.values().stream().filter(h -> h.branch.xid.equals(xid)).findFirst().orElse(null);
        }
        if (held == null) {
            return false;
        }
        synchronized (held) {
            if (held.released.getCount() == 0) {
                return true; // finished by whoever came first
            }
            Hooks.internal(true);
            try {
                if (commit) {
                    held.branch.xa.commit(xid, false);
                } else {
                    held.branch.xa.rollback(xid);
                }
                release(held, true);
            } catch (XAException e) {
                release(held, e.errorCode != XAException.XAER_RMFAIL);
                throw e;
            } finally {
                Hooks.internal(false);
            }
        }
        return true;
    }

    private void release(Held held, boolean healthy) {
        synchronized (this) {
            byConnection.remove(held.branch.connection);
            count = byConnection.size();
        }
        Connection physical = held.branch.connection;
        try {
            if (!healthy) {
                physical.close(); // ends the session, so the database detaches the branch
            } else {
                held.branch.restoreApplicationAutoCommit();
            }
        } catch (SQLException e) {
            LOG.debug("releasing the connection of {}: {}", held.branch, e.getMessage());
        }
        held.released.countDown();
        if (held.deferredClose != null) {
            try {
                held.deferredClose.close();
            } catch (SQLException e) {
                LOG.debug("deferred close of the connection of {}: {}", held.branch, e.getMessage());
            }
        }
    }

    private synchronized Held held(Connection physical) {
        return byConnection.get(physical);
    }
}
