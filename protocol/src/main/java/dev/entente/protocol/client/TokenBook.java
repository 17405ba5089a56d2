package dev.entente.protocol.client;

import dev.entente.protocol.Xids;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tokens of the transactions this process holds ({@link dev.entente.protocol.TransactionToken}):
 * those its TM minted and those it joined through a request. A {@link CoordinatorClient} attaches the
 * token of the XID each call names. A token is forgotten when its owner's Commit or Rollback is
 * answered, or once its XID is a minute past its deadline (the coordinator takes no call for it then),
 * so the book holds no more than the transactions in flight.
 */
public final class TokenBook {

    /** How long past its deadline a token is kept: a late call still gets its refusal for the right reason. */
    private static final long KEPT_PAST_DEADLINE_MILLIS = 60_000;
    private static final int SWEEP_EVERY = 1024;

    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final AtomicLong added = new AtomicLong();

    /** Keeps {@code token} for {@code xid} (a well-formed XID), replacing any it had. */
    public void put(String xid, String token) {
        tokens.put(xid, token);
        if (added.incrementAndGet() % SWEEP_EVERY == 0) {
            long oldest = System.currentTimeMillis() - KEPT_PAST_DEADLINE_MILLIS;
            tokens.keySet().removeIf(held -> Xids.deadlineMillis(held) < oldest);
        }
    }

    /** The token of {@code xid}, or "" if this process does not hold it. */
    public String get(String xid) {
        return tokens.getOrDefault(xid, "");
    }

    /** The transaction ended: its token is needed no more. */
    public void forget(String xid) {
        tokens.remove(xid);
    }

    /** How many tokens are held (for tests). */
    int size() {
        return tokens.size();
    }
}
