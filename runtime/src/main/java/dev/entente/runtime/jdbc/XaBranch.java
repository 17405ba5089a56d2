package dev.entente.runtime.jdbc;

import dev.entente.bootstrap.Hooks;
import dev.entente.protocol.BranchVote;
import dev.entente.runtime.jdbc.xa.BranchXid;
import dev.entente.runtime.jdbc.xa.XaDialect;
import dev.entente.runtime.jdbc.xa.XaResourceWrapper;
import java.sql.Connection;
import java.sql.SQLException;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One XA branch: a physical connection's work under a global transaction, from XA START until it
 * prepares or rolls back, and the XA steps on its own connection. Each step runs with Entente's hooks
 * off (its calls are not the application's) and puts the connection back in the autocommit mode the
 * application last set once the branch no longer binds it. Guarded by its own monitor.
 */
final class XaBranch {

    private static final Logger LOG = LoggerFactory.getLogger(XaBranch.class);

    final String resource;
    final BranchXid xid;
    final Connection connection;
    final XAResource xa;
    /** The database keeps the preparing session bound to the prepared branch ({@link HeldBranches}). */
    final boolean preparedBindsSession;
    /** The autocommit mode the application believes the connection is in. */
    boolean applicationAutoCommit;
    /** Set when the coordinator rolled the transaction back while this branch was still at work. */
    volatile String abortedBecause;
    private boolean ended;

    XaBranch(String resource, BranchXid xid, Connection connection, XAResource xa, boolean preparedBindsSession,
             boolean applicationAutoCommit) {
        this.resource = resource;
        this.xid = xid;
        this.connection = connection;
        this.xa = xa;
        this.preparedBindsSession = preparedBindsSession;
        this.applicationAutoCommit = applicationAutoCommit;
    }

    /** XA START of branch {@code xid} on {@code physical}: the connection's work from now on is the branch's. */
    static XaBranch start(String resource, BranchXid xid, Connection physical, XaDialect dialect, XaResourceWrapper wrapper)
            throws SQLException, XAException {
        Hooks.internal(true);
        try {
            boolean autoCommit = physical.getAutoCommit();
            XAResource xa = wrapper.wrap(resource, dialect.xaResource(physical));
            xa.start(xid, XAResource.TMNOFLAGS);
            return new XaBranch(resource, xid, physical, xa, dialect.preparedBranchBindsSession(), autoCommit);
        } finally {
            Hooks.internal(false);
        }
    }

    String globalXid() {
        return xid.globalXid();
    }

    /**
     * XA END and XA PREPARE: the branch's vote, {@code PREPARED} or {@code READ_ONLY}. The connection
     * goes back to the application unless the database binds it to the prepared branch. If either step
     * fails, the branch is rolled back and the failure thrown.
     */
    BranchVote prepare() throws XAException {
        Hooks.internal(true);
        try {
            xa.end(xid, XAResource.TMSUCCESS);
            BranchVote vote = xa.prepare(xid) == XAResource.XA_RDONLY ? BranchVote.READ_ONLY : BranchVote.PREPARED;
            if (!holdsConnection(vote)) {
                restoreApplicationAutoCommitQuietly();
            }
            return vote;
        } catch (XAException e) {
            rollBackEnded(true);
            throw e;
        } finally {
            Hooks.internal(false);
        }
    }

    /** Whether a branch that voted {@code vote} keeps its connection until its phase 2 ({@link HeldBranches}). */
    boolean holdsConnection(BranchVote vote) {
        return vote == BranchVote.PREPARED && preparedBindsSession;
    }

    /**
     * XA END (fail) and XA ROLLBACK of the branch still at work: MariaDB and MySQL refuse to roll back
     * a branch that has not ended, and would leave its connection inside it.
     */
    void rollBack() {
        Hooks.internal(true);
        try {
            xa.end(xid, XAResource.TMFAIL);
        } catch (XAException e) {
            LOG.debug("XA END (fail) of {}: {}", this, XaErrors.describe(e));
        } finally {
            Hooks.internal(false);
        }
        rollBackEnded(false);
    }

    /**
     * XA ROLLBACK of the ended ({@code prepared} or not) branch on its own connection. A branch its
     * database no longer knows is rolled back already; any other failure is left to recovery.
     */
    void rollBackEnded(boolean prepared) {
        Hooks.internal(true);
        try {
            xa.rollback(xid);
            restoreApplicationAutoCommitQuietly();
        } catch (XAException e) {
            if (!XaErrors.alreadyFinished(e)) {
                LOG.warn("XA ROLLBACK of {}{} failed: {}; recovery will settle it", this, prepared ? " (prepared)" : "",
                        XaErrors.describe(e));
            }
        } finally {
            Hooks.internal(false);
        }
    }

    /**
     * Puts the connection back in the autocommit mode the application last set (drivers reset it at
     * XA START, prepare or rollback). Call with Entente's hooks off.
     */
    void restoreApplicationAutoCommit() throws SQLException {
        if (connection.getAutoCommit() != applicationAutoCommit) {
            connection.setAutoCommit(applicationAutoCommit);
        }
    }

    private void restoreApplicationAutoCommitQuietly() {
        try {
            restoreApplicationAutoCommit();
        } catch (SQLException e) {
            LOG.debug("could not restore the autocommit mode of the connection of {}: {}", this, e.getMessage());
        }
    }

    /** Claims the right to end the branch; false if it already ended. */
    synchronized boolean claimEnd() {
        if (ended) {
            return false;
        }
        ended = true;
        return true;
    }

    @Override
    public String toString() {
        return "branch " + xid.branchId() + " of " + xid.globalXid() + " on " + resource;
    }
}
