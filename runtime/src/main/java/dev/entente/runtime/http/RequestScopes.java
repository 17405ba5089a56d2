package dev.entente.runtime.http;

import dev.entente.bootstrap.HttpHook;
import dev.entente.bootstrap.TransactionContext;
import dev.entente.protocol.Xids;
import dev.entente.runtime.jdbc.ResourceManager;
import dev.entente.runtime.tm.TransactionManager;
import java.net.URLConnection;
import java.net.http.HttpRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An incoming request that carries an XID runs inside that global transaction: the XID is bound for
 * the request's handling, and when the handling ends this service's open branches prepare. A handler
 * that fails marks the transaction for rollback. A request dispatched again inside its own handling
 * (a filter, then the servlet) is scoped once, by the outermost call. Outgoing requests under a
 * transaction carry its XID: {@code java.net.http} requests are copied with the header, Apache
 * HttpClient 5 requests get it set.
 */
public final class RequestScopes implements HttpHook {

    private static final Logger LOG = LoggerFactory.getLogger(RequestScopes.class);

    private record Scope(String xid, String previous) {
    }

    private static final LibraryMethod SERVLET_GET_HEADER = new LibraryMethod("getHeader", new Class<?>[] {String.class},
            "javax.servlet.http.HttpServletRequest", "jakarta.servlet.http.HttpServletRequest");
    private static final LibraryMethod HTTPCORE5_SET_HEADER = new LibraryMethod("setHeader",
            new Class<?>[] {String.class, Object.class}, "org.apache.hc.core5.http.HttpMessage");

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
        if (xid.equals(TransactionContext.currentXid())) {
            return null; // dispatched again inside its own handling: the outermost call ends it
        }
        if (!Xids.isWellFormed(xid)) {
            LOG.warn("ignoring malformed {} header on an incoming request: '{}'", XID_HEADER,
                    xid.length() > 80 ? xid.substring(0, 80) + "..." : xid);
            return null;
        }
        return new Scope(xid, TransactionContext.bind(xid));
    }

    @Override
    public String header(Object request, String name) {
        return servletHeader(request, name);
    }

    /** Header {@code name} of a Servlet request (javax or jakarta), read before any runtime is needed. */
    public static String servletHeader(Object request, String name) {
        return (String) SERVLET_GET_HEADER.invoke(request, name);
    }

    /** The XID leaves this process: its owner's Commit can no longer say that no one else has it. */
    @Override
    public Object outgoing(Object request, String xid) {
        transactions.propagated(xid);
        if (request instanceof HttpRequest original) {
            return HttpRequest.newBuilder(original, (name, value) -> !name.equalsIgnoreCase(XID_HEADER))
                    .header(XID_HEADER, xid).build();
        }
        if (request instanceof URLConnection connection) {
            connection.setRequestProperty(XID_HEADER, xid);
            return connection;
        }
        HTTPCORE5_SET_HEADER.invoke(request, XID_HEADER, xid);
        return request;
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
