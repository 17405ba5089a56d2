package dev.entente.coordinator.txn;

import dev.entente.protocol.TransactionToken;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The session numbers this leader granted in its term, each to the application whose RM session it
 * welcomed. A TM mints its XIDs from its session's grant, so the leader knows from an XID alone whose
 * transaction it is, and an XID of another term (its leader is gone, and with it what that leader knew
 * of the transaction) is never taken for one of this term's. Each session also gets a random key from
 * which its TM derives the token of every XID it mints ({@link TransactionToken}): the leader checks
 * the token of an XID of its term against its session's key. Held in memory only: a new term starts
 * from none, and a key is never written to the log nor shown.
 */
public final class SessionGrants {

    /** More sessions than any deployment opens in one term; past it, a welcome is refused. */
    static final int MAX_SESSIONS_PER_TERM = 1_000_000;

    /** What a welcome grants: the term, a session number unique within it, and the session's key. */
    public record Grant(long term, long session, byte[] sessionKey) {
    }

    private record Session(String app, byte[] key) {
    }

    private final LongSupplier currentTerm;
    private final BooleanSupplier leading;
    private final Map<Long, Session> sessions = new HashMap<>();
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
        if (sessions.size() >= MAX_SESSIONS_PER_TERM) {
            throw new Rejection(Rejection.Kind.UNAVAILABLE, "this leader granted " + MAX_SESSIONS_PER_TERM
                    + " sessions in term " + term + ", its limit; the next leader grants again");
        }
        long session = ++lastSession;
        byte[] key = TransactionToken.newSessionKey();
        sessions.put(session, new Session(app, key));
        return new Grant(term, session, key.clone());
    }

    /** Grants no more sessions: this node is handing leadership over ({@code why} says so to whoever asks). */
    public synchronized void stopGranting(String why) {
        stopped = why;
    }

    /** The application whose session {@code session} of term {@code ofTerm} is, if this leader granted it. */
    public Optional<String> app(long ofTerm, long session) {
        return granted(ofTerm, session).map(Session::app);
    }

    /**
     * Whether {@code token} is the token of {@code xid}, minted from session {@code session} of term
     * {@code ofTerm}; false if this leader did not grant that session (compared in constant time).
     */
    public boolean tokenMatches(long ofTerm, long session, String xid, String token) {
        return granted(ofTerm, session).map(granted -> TransactionToken.matches(granted.key(), xid, token)).orElse(false);
    }

    private synchronized Optional<Session> granted(long ofTerm, long session) {
        sync();
        return ofTerm == term ? Optional.ofNullable(sessions.get(session)) : Optional.empty();
    }

    private void sync() {
        long now = currentTerm.getAsLong();
        if (now != term) {
            sessions.clear();
            lastSession = 0;
            term = now;
        }
    }
}
