package dev.entente.runtime.http;

import dev.entente.bootstrap.HttpHook;
import dev.entente.bootstrap.TransactionContext;
import dev.entente.protocol.Xids;
import dev.entente.runtime.jdbc.ResourceManager;
import dev.entente.runtime.tm.TransactionManager;
import java.net.http.HttpRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An incoming request that carries an XID runs inside that global transaction: the XID is bound for
 * the request's handling, and when the handling ends this service's open branches prepare. A handler
 * that fails marks the transaction for rollback. Outgoing {@code java.net.http} requests under a
 * transaction carry its XID.
 */
public final class RequestScopes implements HttpHook {

    private static final Logger LOG = LoggerFactory.getLogger(RequestScopes.class);

    private record Scope(String xid, String previous) {
    }

    private final ResourceManager resources;
    private final TransactionManager transactions;

    public RequestScopes(ResourceManager resources, TransactionManager transactions) {
        this.resources = resources;
        this.transactions = transactions;
    }

    @Override
    public Object requestStarted(String xid) {
        if (xid == null || xid.isEmpty()) {
            return null;
        }
        if (!Xids.isWellFormed(xid)) {
            LOG.warn("ignoring malformed {} header on an incoming request: '{}'", XID_HEADER,
                    xid.length() > 80 ? xid.substring(0, 80) + "..." : xid);
            return null;
        }
        return new Scope(xid, TransactionContext.bind(xid));
    }

    @Override
    public Object outgoing(Object request, String xid) {
        if (!(request instanceof HttpRequest original)) {
            return request;
        }
        return HttpRequest.newBuilder(original, (name, value) -> !name.equalsIgnoreCase(XID_HEADER))
                .header(XID_HEADER, xid).build();
    }

    @Override
    public void responseStarting() {
        String xid = TransactionContext.currentXid();
        if (xid != null) {
            resources.endOfWork(xid);
        }
    }

    @Override
    public void requestEnded(Object scope, Throwable thrown) {
        if (!(scope instanceof Scope request)) {
            return;
        }
        try {
            if (thrown != null) {
                transactions.markRollbackOnly(request.xid(), "a request handler failed: " + thrown);
                resources.abandon(request.xid(), "the request handler failed: " + thrown);
            } else {
                resources.endOfWork(request.xid());
            }
        } finally {
            TransactionContext.restore(request.previous());
        }
    }
}
