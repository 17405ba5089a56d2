package dev.entente.runtime.http;

import com.sun.net.httpserver.HttpExchange;
import dev.entente.bootstrap.HttpHook;
import dev.entente.bootstrap.TransactionContext;
import dev.entente.protocol.TransactionToken;
import dev.entente.protocol.Xids;
import dev.entente.protocol.client.TokenBook;
import dev.entente.runtime.jdbc.ResourceManager;
import dev.entente.runtime.tm.TransactionManager;
import java.net.InetAddress;
import java.net.URLConnection;
import java.net.UnknownHostException;
import java.net.http.HttpRequest;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An incoming request that carries an XID runs inside that global transaction: the XID is bound for
 * the request's handling, and when the handling ends this service's open branches prepare. A handler
 * that fails marks the transaction for rollback. A request dispatched again inside its own handling
 * (a filter, then the servlet) is scoped once, by the outermost call. Outgoing requests under a
 * transaction carry its XID: {@code java.net.http} requests are copied with the header, Apache
 * HttpClient 5 requests get it set.
 *
 * <p>The XID travels with the transaction's token (header {@code entente-token}), which the coordinator
 * checks on every call that joins or acts for the transaction. An incoming request's token goes into the
 * process's {@link TokenBook}, where its calls to the coordinator find it (an owner's own token is never
 * replaced). A request with an XID but no token still runs inside the transaction, so that its work is
 * never done outside it, but the coordinator refuses its branches, votes and messages: the transaction
 * cannot commit with that work, and the handler's failure rolls it back.
 *
 * <p>An XID is taken only from a sender that the setting {@code accept-context-from} accepts ({@link
 * ContextSources}); from any other the request runs outside every global transaction, as if it carried
 * none, and the first such request of each sender address is logged.
 */
public final class RequestScopes implements HttpHook {

    private static final Logger LOG = LoggerFactory.getLogger(RequestScopes.class);

    private record Scope(String xid, String previous) {
    }

    private static final LibraryMethod SERVLET_GET_HEADER = new LibraryMethod("getHeader", new Class<?>[] {String.class},
            "javax.servlet.http.HttpServletRequest", "jakarta.servlet.http.HttpServletRequest");
    private static final LibraryMethod SERVLET_GET_REMOTE_ADDR = new LibraryMethod("getRemoteAddr", new Class<?>[0],
            "javax.servlet.ServletRequest", "jakarta.servlet.ServletRequest");
    /** Senders whose context was refused and logged; past this many, refusals are no longer logged. */
    private static final int REFUSALS_LOGGED = 1000;
    private static final LibraryMethod HTTPCORE5_SET_HEADER = new LibraryMethod("setHeader",
            new Class<?>[] {String.class, Object.class}, "org.apache.hc.core5.http.HttpMessage");

    private final ResourceManager resources;
    private final TransactionManager transactions;
    private final ContextSources acceptedSenders;
    private final Set<String> refusedSenders = ConcurrentHashMap.newKeySet();
    private final TokenBook tokens;
    private final AtomicBoolean tokenlessLogged = new AtomicBoolean();

    public RequestScopes(ResourceManager resources, TransactionManager transactions, ContextSources acceptedSenders,
                         TokenBook tokens) {
        this.resources = resources;
        this.transactions = transactions;
        this.acceptedSenders = acceptedSenders;
        this.tokens = tokens;
    }

    @Override
    public Object requestStarted(String xid, Object request) {
        if (xid == null || xid.isEmpty()) {
            return null;
        }
        if (xid.equals(TransactionContext.currentXid())) {
            return null; // dispatched again inside its own handling: the outermost call ends it
        }
        if (!acceptedSenders.acceptsAll()) {
            InetAddress sender = sender(request);
            if (!acceptedSenders.accepts(sender)) {
                refused(sender);
                return null;
            }
        }
        if (!Xids.isWellFormed(xid)) {
            LOG.warn("ignoring malformed {} header on an incoming request: '{}'", XID_HEADER,
                    xid.length() > 80 ? xid.substring(0, 80) + "..." : xid);
            return null;
        }
        joined(xid, request);
        return new Scope(xid, TransactionContext.bind(xid));
    }

    /** Keeps the token the request carries for {@code xid}, unless this process owns it (its own is right). */
    private void joined(String xid, Object request) {
        String token = request instanceof HttpExchange exchange ? exchange.getRequestHeaders().getFirst(TOKEN_HEADER)
                : servletHeader(request, TOKEN_HEADER);
        if (TransactionToken.isWellFormed(token)) {
            if (!transactions.owns(xid)) {
                tokens.put(xid, token);
            }
        } else if (tokenlessLogged.compareAndSet(false, true)) {
            LOG.warn("a request carries an {} header but no well-formed {} header: it runs in its transaction, but the "
                    + "coordinator refuses its calls, so the transaction cannot commit with its work (the caller's agent sends "
                    + "both; logged once)", XID_HEADER, TOKEN_HEADER);
        }
    }

    private void refused(InetAddress sender) {
        String address = sender == null ? "an unknown address" : sender.getHostAddress();
        if (refusedSenders.size() < REFUSALS_LOGGED && refusedSenders.add(address)) {
            LOG.warn("ignoring the {} header of a request from {}: the setting accept-context-from accepts transaction "
                    + "context only from {}; the request runs outside any global transaction (logged once per sender)",
                    XID_HEADER, address, acceptedSenders);
        }
    }

    /** The TCP peer of a server request: {@code HttpExchange.getRemoteAddress}, Servlet's {@code getRemoteAddr}. */
    private static InetAddress sender(Object request) {
        if (request instanceof HttpExchange exchange) {
            return exchange.getRemoteAddress() == null ? null : exchange.getRemoteAddress().getAddress();
        }
        Object address = SERVLET_GET_REMOTE_ADDR.invoke(request);
        String literal = address instanceof String text ? text.replace("[", "").replace("]", "") : "";
        if (literal.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Za-z:.%]*")) {
            try {
                return InetAddress.getByName(literal); // an address literal (IPv4, or with a colon IPv6): no name lookup
            } catch (UnknownHostException e) {
                return null;
            }
        }
        return null;
    }

    @Override
    public String header(Object request, String name) {
        return servletHeader(request, name);
    }

    /** Header {@code name} of a Servlet request (javax or jakarta), read before any runtime is needed. */
    public static String servletHeader(Object request, String name) {
        return (String) SERVLET_GET_HEADER.invoke(request, name);
    }

    /**
     * The XID leaves this process, with its token if this process holds it: its owner's Commit can no
     * longer say that no one else has it.
     */
    @Override
    public Object outgoing(Object request, String xid) {
        transactions.propagated(xid);
        String token = tokens.get(xid);
        if (request instanceof HttpRequest original) {
            HttpRequest.Builder copy = HttpRequest.newBuilder(original,
                    (name, value) -> !name.equalsIgnoreCase(XID_HEADER) && !name.equalsIgnoreCase(TOKEN_HEADER));
            copy.header(XID_HEADER, xid);
            if (!token.isEmpty()) {
                copy.header(TOKEN_HEADER, token);
            }
            return copy.build();
        }
        if (request instanceof URLConnection connection) {
            connection.setRequestProperty(XID_HEADER, xid);
            if (!token.isEmpty()) {
                connection.setRequestProperty(TOKEN_HEADER, token);
            }
            return connection;
        }
        HTTPCORE5_SET_HEADER.invoke(request, XID_HEADER, xid);
        if (!token.isEmpty()) {
            HTTPCORE5_SET_HEADER.invoke(request, TOKEN_HEADER, token);
        }
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
