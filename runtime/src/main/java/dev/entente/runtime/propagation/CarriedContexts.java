package dev.entente.runtime.propagation;

import dev.entente.bootstrap.CarrierHook;
import dev.entente.bootstrap.HttpHook;
import dev.entente.bootstrap.TransactionContext;
import dev.entente.protocol.Xids;
import dev.entente.protocol.client.TokenBook;
import dev.entente.runtime.jdbc.ResourceManager;
import dev.entente.runtime.tm.ArrivedTokens;
import dev.entente.runtime.tm.TransactionManager;
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
    private final ArrivedTokens arrivedTokens;

    public CarriedContexts(ResourceManager resources, TransactionManager transactions, TokenBook tokens) {
        this.resources = resources;
        this.transactions = transactions;
        this.tokens = tokens;
        this.arrivedTokens = new ArrivedTokens(tokens, transactions, LOG, "work", "PropagationHeaders.current() gives both");
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
        arrivedTokens.arrived(xid, token);
        return new Scope(xid, TransactionContext.bind(xid));
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
