package dev.entente.runtime.jdbc;

import dev.entente.runtime.jdbc.xa.BranchXid;
import java.sql.Connection;
import java.sql.SQLException;
import javax.transaction.xa.XAResource;

/**
 * One XA branch: a physical connection's work under a global transaction, from XA START until it
 * prepares or rolls back. Guarded by its own monitor.
 */
final class XaBranch {

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

    String globalXid() {
        return xid.globalXid();
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
