package dev.entente.protocol.client;

import dev.entente.protocol.SessionWelcome;
import dev.entente.protocol.TransactionToken;
import dev.entente.protocol.Xids;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Mints the XIDs of the transactions this process begins, with no call to the coordinator: each RM
 * session's welcome grants a term and a session number, and the XID adds a counter and the deadline.
 * Until a welcome arrives (the session is connecting, or its stream broke, or the leader is handing
 * over), minting waits for one, up to a bound. Each XID's token, derived from the key the welcome
 * gave, goes into the process's {@link TokenBook}, where its calls to the coordinator find it.
 */
public final class XidMint implements SessionListener {

    private record Grant(String clusterId, long term, long session, byte[] sessionKey, long defaultTimeoutMillis,
                         long maxTimeoutMillis) {
    }

    private final Duration grantWait;
    private final TokenBook tokens;
    private String refusal; // why this process refuses the coordinator it reached, if it does
    private String unreachable; // why no coordinator could be reached, while none ever welcomed the session
    private final AtomicLong counter = new AtomicLong();
    private Grant grant;

    /**
     * @param grantWait how long {@link #mint} waits for a session's welcome when none has come
     * @param tokens    where the token of each XID minted is kept
     */
    public XidMint(Duration grantWait, TokenBook tokens) {
        this.grantWait = grantWait;
        this.tokens = tokens;
    }

    /**
     * A mint for a process that begins transactions but serves no database (a client, a benchmark): it
     * opens an RM session of its own, serving no resource, which ends when {@code client} is closed.
     */
    public static XidMint withOwnSession(CoordinatorClient client, String app, String instanceId, Duration grantWait) {
        XidMint mint = new XidMint(grantWait, client.tokens());
        new RmSession(client, app, instanceId, Set.of(), command -> { }, mint);
        return mint;
    }

    /** No session was welcomed within the wait (no coordinator leader answered), or none can be reached. */
    public static final class NoGrantException extends IllegalStateException {
        NoGrantException(String message) {
            super(message);
        }
    }

    /**
     * This process refuses the coordinator that welcomed it ({@code why}: it is of another cluster than
     * the application's): minting fails at once with that reason, until a welcome is taken.
     */
    public synchronized void refused(String why) {
        grant = null;
        refusal = why;
        notifyAll();
    }

    /** A session was welcomed: later XIDs carry its term and session number. */
    @Override
    public synchronized void welcomed(SessionWelcome welcome) {
        if (welcome.getSession() <= 0 || welcome.getClusterId().isEmpty() || welcome.getSessionKey().isEmpty()) {
            return; // a coordinator that grants no sessions: nothing to mint from
        }
        grant = new Grant(welcome.getClusterId(), welcome.getTerm(), welcome.getSession(), welcome.getSessionKey().toByteArray(),
                welcome.getDefaultTimeoutMillis(), welcome.getMaxTimeoutMillis());
        refusal = null;
        unreachable = null;
        notifyAll();
    }

    /** Minting fails at once, naming {@code why}, until a welcome: no coordinator accepts connections. */
    @Override
    public synchronized void unreachable(String why) {
        unreachable = why;
        notifyAll();
    }

    /** Minting waits for the next welcome (at most the grant wait): the grant may be of a term about to end. */
    @Override
    public synchronized void grantWithdrawn() {
        grant = null;
    }

    /**
     * A new XID whose deadline is {@code timeoutMillis} from now (0: the coordinator's default; more than
     * the coordinator's maximum: its maximum); its token is in the book from now on.
     *
     * @throws IllegalStateException if no session is welcomed within the wait, naming the wait, or at once
     *                               if no coordinator accepted the session's connections yet
     */
    public String mint(long timeoutMillis) {
        Grant current = awaitGrant();
        long timeout = timeoutMillis <= 0 ? current.defaultTimeoutMillis() : timeoutMillis;
        if (current.maxTimeoutMillis() > 0) {
            timeout = Math.min(timeout, current.maxTimeoutMillis());
        }
        String xid = Xids.format(current.clusterId(), current.term(), current.session(), counter.incrementAndGet(),
                System.currentTimeMillis() + timeout);
        tokens.put(xid, TransactionToken.of(current.sessionKey(), xid));
        return xid;
    }

    private synchronized Grant awaitGrant() {
        long deadline = System.nanoTime() + grantWait.toNanos();
        while (grant == null) {
            if (refusal != null) {
                throw new IllegalStateException(refusal);
            }
            if (unreachable != null) {
                throw new NoGrantException("no coordinator accepts connections (" + unreachable + ")");
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new NoGrantException("no session with a coordinator leader was open within " + grantWait.toMillis()
                        + " ms: a transaction's XID is minted from the session's welcome");
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a session with the coordinator leader", e);
            }
        }
        return grant;
    }
}
