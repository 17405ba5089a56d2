package dev.entente.runtime.propagation;

import dev.entente.bootstrap.CarrierHook;
import dev.entente.bootstrap.HttpHook;
import dev.entente.bootstrap.TransactionContext;
import dev.entente.protocol.TransactionToken;
import dev.entente.protocol.Xids;
import dev.entente.protocol.client.TokenBook;
import dev.entente.runtime.jdbc.ResourceManager;
import dev.entente.runtime.tm.TransactionManager;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A global transaction carried by the application itself over a transport the agent does not reach
 * (a message queue, a socket, a scheduler's job data), through {@code dev.entente.api.PropagationHeaders}.
 * It behaves as an instrumented HTTP request does: the XID leaves with its token; work done under an
 * XID that arrived runs inside that transaction, and when the work ends this process's open branches of
 * it prepare, or, if the work failed, the transaction is marked for rollback and they roll back.
 *
 * <p>Unlike a request's, a carried context is not checked against the setting {@code
 * accept-context-from}: the application chose to join the transaction the message names. The token is
 * what the coordinator checks; without it the work runs in the transaction but cannot be part of a commit.
 */
public final class CarriedContexts implements CarrierHook {

    private static final Logger LOG = LoggerFactory.getLogger(CarriedContexts.class);

    private record Scope(String xid, String previous) {
    }

    private final ResourceManager resources;
    private final TransactionManager transactions;
    private final TokenBook tokens;
    private final AtomicBoolean tokenlessLogged = new AtomicBoolean();

    public CarriedContexts(ResourceManager resources, TransactionManager transactions, TokenBook tokens) {
        this.resources = resources;
        this.transactions = transactions;
        this.tokens = tokens;
    }

    @Override
    public String leaving(String xid) {
        transactions.propagated(xid);
        return tokens.get(xid);
    }

    @Override
    public Object workStarted(String xid, String token) {
        if (xid.equals(TransactionContext.currentXid())) {
            return null; // already at work in it: the outermost work ends it
        }
        if (!Xids.isWellFormed(xid)) {
            throw new IllegalArgumentException("the " + HttpHook.XID_HEADER + " header '"
                    + (xid.length() > 80 ? xid.substring(0, 80) + "..." : xid) + "' is not an Entente XID");
        }
        tokenArrived(xid, token);
        return new Scope(xid, TransactionContext.bind(xid));
    }

    /** Keeps the token that arrived with {@code xid}, unless this process owns the transaction (its own is right). */
    private void tokenArrived(String xid, String token) {
        if (TransactionToken.isWellFormed(token)) {
            if (!transactions.owns(xid)) {
                tokens.put(xid, token);
            }
        } else if (tokenlessLogged.compareAndSet(false, true)) {
            LOG.warn("work carries an {} header but no well-formed {} header: it runs in its transaction, but the coordinator "
                    + "refuses its calls, so the transaction cannot commit with its work (PropagationHeaders.current() gives "
                    + "both; logged once)", HttpHook.XID_HEADER, HttpHook.TOKEN_HEADER);
        }
    }

    @Override
    public void workEnded(Object scope, Throwable thrown) {
        if (!(scope instanceof Scope work)) {
            return;
        }
        try {
            if (thrown != null) {
                transactions.markRollbackOnly(work.xid(), "work carried by the application failed: " + thrown);
                resources.abandon(work.xid(), "the work carried by the application failed: " + thrown);
            } else {
                resources.endOfWork(work.xid());
            }
        } finally {
            TransactionContext.restore(work.previous());
        }
    }
}
