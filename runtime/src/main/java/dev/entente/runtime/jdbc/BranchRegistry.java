package dev.entente.runtime.jdbc;

import dev.entente.runtime.jdbc.xa.BranchXid;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The branches at work in this process: one {@link XaBranch} per enlisted physical connection, from
 * XA START until it prepares or rolls back, and the connections handed out over them (pool wrappers, or
 * the physical connections themselves) until they are closed. Connections are told apart by identity
 * (drivers do not override equals). How many of both are tracked is read without the monitor, so that every JDBC hook returns at once
 * while none is (the common case outside global transactions).
 */
final class BranchRegistry {

    private final Map<Connection, XaBranch> byConnection = new IdentityHashMap<>();
    private final Map<Connection, Connection> physicalOfHandedOut = new IdentityHashMap<>();
    private volatile int tracked;

    /** Whether no branch and no handed-out wrapper is tracked. */
    boolean isEmpty() {
        return tracked == 0;
    }

    /** The branch at work on {@code physical}, or null. */
    synchronized XaBranch branchOf(Connection physical) {
        return byConnection.get(physical);
    }

    /** The branches of {@code xid} at work here. */
    synchronized List<XaBranch> branchesOf(String xid) {
        List<XaBranch> matching = new ArrayList<>();
        for (XaBranch branch : byConnection.values()) {
            if (branch.globalXid().equals(xid)) {
                matching.add(branch);
            }
        }
        return matching;
    }

    /** Branch {@code branchId} of {@code xid}, if it is still at work here. */
    synchronized Optional<XaBranch> branch(String xid, long branchId) {
        for (XaBranch branch : byConnection.values()) {
            if (branch.xid.branchId() == branchId && branch.globalXid().equals(xid)) {
                return Optional.of(branch);
            }
        }
        return Optional.empty();
    }

    boolean isAtWork(BranchXid xid) {
        return branch(xid.globalXid(), xid.branchId()).isPresent();
    }

    synchronized void add(XaBranch branch) {
        byConnection.put(branch.connection, branch);
        tracked = byConnection.size() + physicalOfHandedOut.size();
    }

    /** {@code branch} ended (prepared or rolled back): its connection is no longer at work in it. */
    synchronized void forget(XaBranch branch) {
        byConnection.remove(branch.connection);
        tracked = byConnection.size() + physicalOfHandedOut.size();
    }

    /** A pool handed out {@code wrapper} over enlisted {@code physical} (or a data source {@code physical} itself). */
    synchronized void handedOut(Connection wrapper, Connection physical) {
        physicalOfHandedOut.put(wrapper, physical);
        tracked = byConnection.size() + physicalOfHandedOut.size();
    }

    /** Whether the connection a pool or data source handed out over {@code physical} is still open. */
    synchronized boolean isHandedOut(Connection physical) {
        return physicalOfHandedOut.containsValue(physical); // by identity, as everything in an IdentityHashMap
    }

    /** {@code wrapper} is being closed: the physical connection it was handed out over, or null if it was not tracked. */
    synchronized Connection closing(Connection wrapper) {
        Connection physical = physicalOfHandedOut.remove(wrapper);
        tracked = byConnection.size() + physicalOfHandedOut.size();
        return physical;
    }
}
