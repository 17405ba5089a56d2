package dev.entente.coordinator.txn;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The session numbers this leader granted in its term, each to the application whose RM session it
 * welcomed. A TM mints its XIDs from its session's grant, so the leader knows from an XID alone whose
 * transaction it is, and an XID of another term (its leader is gone, and with it what that leader knew
 * of the transaction) is never taken for one of this term's. Held in memory only: a new term starts
 * from none.
 */
public final class SessionGrants {

    /** More sessions than any deployment opens in one term; past it, a welcome is refused. */
    static final int MAX_SESSIONS_PER_TERM = 1_000_000;

    /** What a welcome grants: the term and a session number unique within it. */
    public record Grant(long term, long session) {
    }

    private final LongSupplier currentTerm;
    private final BooleanSupplier leading;
    private final Map<Long, String> apps = new HashMap<>();
    private long term = -1;
    private long lastSession;
    private String stopped; // why no more sessions are granted, once this node hands over

    /**
     * @param currentTerm this node's Raft term
     * @param leading     whether this node leads, its log applied up to its term's start
     */
    public SessionGrants(LongSupplier currentTerm, BooleanSupplier leading) {
        this.currentTerm = currentTerm;
        this.leading = leading;
    }

    /** Grants a session number to an RM session of {@code app}, welcomed by this node as leader. */
    public synchronized Grant open(String app) {
        if (!leading.getAsBoolean()) {
            throw new Rejection(Rejection.Kind.UNAVAILABLE, "this coordinator node does not lead: it grants no sessions");
        }
        if (stopped != null) {
            throw new Rejection(Rejection.Kind.UNAVAILABLE, stopped);
        }
        sync();
        if (apps.size() >= MAX_SESSIONS_PER_TERM) {
            throw new Rejection(Rejection.Kind.UNAVAILABLE, "this leader granted " + MAX_SESSIONS_PER_TERM
                    + " sessions in term " + term + ", its limit; the next leader grants again");
        }
        long session = ++lastSession;
        apps.put(session, app);
        return new Grant(term, session);
    }

    /** Grants no more sessions: this node is handing leadership over ({@code why} says so to whoever asks). */
    public synchronized void stopGranting(String why) {
        stopped = why;
    }

    /** The application whose session {@code session} of term {@code ofTerm} is, if this leader granted it. */
    public synchronized Optional<String> app(long ofTerm, long session) {
        sync();
        return ofTerm == term ? Optional.ofNullable(apps.get(session)) : Optional.empty();
    }

    private void sync() {
        long now = currentTerm.getAsLong();
        if (now != term) {
            apps.clear();
            lastSession = 0;
            term = now;
        }
    }
}
