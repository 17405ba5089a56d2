package dev.entente.runtime.http;

import com.sun.net.httpserver.HttpExchange;
import dev.entente.bootstrap.HttpHook;
import dev.entente.bootstrap.TransactionContext;
import dev.entente.protocol.BranchReport;
import dev.entente.protocol.TransactionToken;
import dev.entente.protocol.Xids;
import dev.entente.protocol.client.TokenBook;
import dev.entente.runtime.jdbc.ResourceManager;
import dev.entente.runtime.tm.CarriedVotes;
import dev.entente.runtime.tm.TransactionManager;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An incoming request that carries an XID runs inside that global transaction: the XID is bound for
 * the request's handling, and when the handling ends this service's open branches prepare. A handler
 * that fails marks the transaction for rollback. A request dispatched again inside its own handling
 * (a filter, then the servlet) is scoped once, by the outermost call. Outgoing requests under a
 * transaction carry its XID ({@link ClientMessages}: immutable requests are copied with the header,
 * mutable ones get it set).
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

    /** One request served under a transaction; {@code carriesVotes}: its caller reads votes from its response. */
    private static final class Scope {
        final String xid;
        final String previous;
        final Object response;
        final boolean carriesVotes;
        final boolean sure;
        final Scope outer;
        boolean answered;

        Scope(String xid, String previous, Object response, boolean carriesVotes, Scope outer) {
            this.xid = xid;
            this.previous = previous;
            this.response = response;
            this.carriesVotes = carriesVotes;
            this.sure = response instanceof HttpExchange; // its response leaves through sendResponseHeaders, seen first
            this.outer = outer;
        }
    }

    /** The request being served on this thread, innermost first. */
    private static final ThreadLocal<Scope> SERVING = new ThreadLocal<>();

    private static final LibraryMethod SERVLET_GET_HEADER = new LibraryMethod("getHeader", new Class<?>[] {String.class},
            "javax.servlet.http.HttpServletRequest", "jakarta.servlet.http.HttpServletRequest");
    private static final LibraryMethod SERVLET_GET_REMOTE_ADDR = new LibraryMethod("getRemoteAddr", new Class<?>[0],
            "javax.servlet.ServletRequest", "jakarta.servlet.ServletRequest");
    /** Senders whose context was refused and logged; past this many, refusals are no longer logged. */
    private static final int REFUSALS_LOGGED = 1000;
    private static final LibraryMethod SERVLET_SET_HEADER = new LibraryMethod("setHeader",
            new Class<?>[] {String.class, String.class}, "javax.servlet.http.HttpServletResponse",
            "jakarta.servlet.http.HttpServletResponse");
    private static final LibraryMethod SERVLET_IS_COMMITTED = new LibraryMethod("isCommitted", new Class<?>[0],
            "javax.servlet.ServletResponse", "jakarta.servlet.ServletResponse");
    /** Apache HttpClient 5's {@code AsyncExecCallback}, when a class implements it; null when not. */
    private static final ClassValue<Class<?>> ASYNC_EXEC_CALLBACK = new ClassValue<>() {
        @Override
        protected Class<?> computeValue(Class<?> type) {
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                for (Class<?> implemented : c.getInterfaces()) {
                    if (implemented.getName().equals("org.apache.hc.client5.http.async.AsyncExecCallback")) {
                        return implemented;
                    }
                }
            }
            return null;
        }
    };
    /** Set while a response's headers are read here: reading them may enter the instrumented method again. */
    private static final ThreadLocal<Boolean> READING_RESPONSE = new ThreadLocal<>();

    private final ResourceManager resources;
    private final TransactionManager transactions;
    private final CarriedVotes votes;
    private final Runnable sessionNeeded;
    private final ContextSources acceptedSenders;
    private final Set<String> refusedSenders = ConcurrentHashMap.newKeySet();
    private final TokenBook tokens;
    private final AtomicBoolean tokenlessLogged = new AtomicBoolean();

    /**
     * @param sessionNeeded run when a request joins a transaction: this process must be reachable for
     *                      the phase 2 of its branches, which it may never ask the coordinator about
     */
    public RequestScopes(ResourceManager resources, TransactionManager transactions, CarriedVotes votes,
                         ContextSources acceptedSenders, TokenBook tokens, Runnable sessionNeeded) {
        this.sessionNeeded = sessionNeeded;
        this.resources = resources;
        this.votes = votes;
        this.transactions = transactions;
        this.acceptedSenders = acceptedSenders;
        this.tokens = tokens;
    }

    @Override
    public Object requestStarted(String xid, Object request, Object response) {
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
        sessionNeeded.run();
        boolean carriesVotes = "1".equals(requestHeader(request, ACCEPT_VOTES_HEADER)) && response != null;
        if (carriesVotes) {
            votes.openAnswer(xid, response instanceof HttpExchange);
        }
        Scope scope = new Scope(xid, TransactionContext.bind(xid), response, carriesVotes, SERVING.get());
        SERVING.set(scope);
        return scope;
    }

    private static String requestHeader(Object request, String name) {
        return request instanceof HttpExchange exchange ? exchange.getRequestHeaders().getFirst(name) : servletHeader(request, name);
    }

    /** Keeps the token the request carries for {@code xid}, unless this process owns it (its own is right). */
    private void joined(String xid, Object request) {
        String token = requestHeader(request, TOKEN_HEADER);
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
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(XID_HEADER, xid);
        headers.put(ACCEPT_VOTES_HEADER, "1");
        if (!token.isEmpty()) {
            headers.put(TOKEN_HEADER, token);
        }
        return ClientMessages.withHeaders(request, headers);
    }

    /**
     * The votes a called service returned take the way its own would: to this process's Commit of the
     * transaction, or to the response of the request this process serves under it. Where neither is
     * open any more they are reported to the coordinator, which counts them if it has not decided yet. A
     * header that cannot be read makes the transaction rollback-only: votes it held may be lost, and
     * the branches they stand for could never be named by the decision.
     */
    @Override
    public void responseReceived(String xid, Object response) {
        if (READING_RESPONSE.get() != null) {
            return;
        }
        READING_RESPONSE.set(Boolean.TRUE);
        String header;
        try {
            header = responseHeader(response);
        } finally {
            READING_RESPONSE.remove();
        }
        if (header == null || header.isEmpty()) {
            return;
        }
        List<BranchReport> received;
        try {
            received = VotesHeader.decode(header, xid);
        } catch (IllegalArgumentException e) {
            transactions.markRollbackOnly(xid, "a response carried an unreadable " + VOTES_HEADER + " header: " + e.getMessage());
            return;
        }
        List<BranchReport> late = new ArrayList<>();
        for (BranchReport vote : received) {
            if (!votes.keep(vote)) {
                late.add(vote);
            }
        }
        if (!late.isEmpty()) {
            LOG.warn("{} votes for {} came in a response after its Commit (or this service's answer) left: reported to the "
                    + "coordinator, which counts them only if it has not decided yet", late.size(), xid);
            resources.votes().report(late);
        }
    }

    private static String responseHeader(Object response) {
        return ClientMessages.responseHeader(response, VOTES_HEADER);
    }

    /** The response's votes are taken if the request it answers carried an XID (the request is read for it). */
    @Override
    public void responseArrived(Object response) {
        String xid = ClientMessages.requestHeaderOf(response, XID_HEADER);
        if (xid != null && !xid.isEmpty()) {
            responseReceived(xid, response);
        }
    }

    /**
     * A proxy of the callback's {@code AsyncExecCallback} interface that takes the votes of the response
     * it is handed ({@code handleResponse}) before passing every call on; the callback itself if it is
     * not one.
     */
    @Override
    public Object takingVotes(String xid, Object callback) {
        Class<?> type = callback == null ? null : ASYNC_EXEC_CALLBACK.get(callback.getClass());
        if (type == null) {
            return callback;
        }
        return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, arguments) -> {
            if (method.getName().equals("handleResponse") && arguments != null && arguments.length == 2) {
                responseReceived(xid, arguments[0]);
            }
            try {
                return method.invoke(callback, arguments);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    @Override
    public Object responseReturned(String xid, Object returned) {
        if (!(returned instanceof CompletableFuture<?> pending)) {
            responseReceived(xid, returned);
            return returned;
        }
        return pending.thenApply(response -> {
            responseReceived(xid, response);
            return response;
        });
    }

    /**
     * The response of the request being served leaves now: this service's open branches of its
     * transaction end first (prepare, or roll back if left uncommitted), and their votes, with those
     * of the services it called, go in the response if its caller reads them.
     */
    @Override
    public void responseStarting(Object response) {
        Scope scope = SERVING.get();
        String xid = TransactionContext.currentXid();
        if (scope == null || scope.response != response || !scope.xid.equals(xid)) {
            if (xid != null) {
                resources.endOfWork(xid);
            }
            return;
        }
        resources.endOfWork(xid);
        answer(scope, true, null);
    }

    /**
     * Puts the votes waiting for {@code scope}'s response into it; those it cannot take are reported.
     * {@code leaving}: the response is being sent now. An {@code HttpExchange} not answered by the end
     * of its handler is taken as never answered.
     */
    private void answer(Scope scope, boolean leaving, Throwable thrown) {
        if (!scope.carriesVotes || scope.answered) {
            return;
        }
        scope.answered = true;
        List<BranchReport> carried = votes.takeForAnswer(scope.xid, scope.sure);
        if (carried.isEmpty() || ((leaving || !scope.sure) && attach(scope.response, VotesHeader.encode(ownAppNamed(carried))))) {
            return;
        }
        if (scope.sure) {
            // no response took them, so no decision can name them: their branches roll back here, and so
            // must the transaction (the caller cannot commit with this work)
            resources.phaseTwo().finishPrepared(carried, false, "the response to its request under " + scope.xid + " was never sent");
            if (thrown == null) {
                transactions.markRollbackOnly(scope.xid, "a request under it ended without a response for the votes of its work");
            }
        } else {
            resources.votes().report(carried); // registered branches: the coordinator waits for these reports
        }
    }

    /**
     * The votes with this application's name on those of its own branches: the owner's Commit relays
     * them, and the coordinator sends their phase 2 to this application's sessions.
     */
    private List<BranchReport> ownAppNamed(List<BranchReport> carried) {
        List<BranchReport> named = new ArrayList<>(carried.size());
        for (BranchReport vote : carried) {
            boolean own = vote.getApp().isEmpty() && vote.getInstanceId().equals(resources.votes().instanceId());
            named.add(own ? vote.toBuilder().setApp(transactions.app()).build() : vote);
        }
        return named;
    }

    /** Sets the votes header on a response whose headers are not sent yet; false if they are. */
    private static boolean attach(Object response, String header) {
        if (response instanceof HttpExchange exchange) {
            if (exchange.getResponseCode() != -1) {
                return false; // sendResponseHeaders ran: the headers are gone
            }
            exchange.getResponseHeaders().set(VOTES_HEADER, header);
            return true;
        }
        if (Boolean.TRUE.equals(SERVLET_IS_COMMITTED.invoke(response))) {
            return false;
        }
        SERVLET_SET_HEADER.invoke(response, VOTES_HEADER, header);
        return true;
    }

    @Override
    public void requestEnded(Object scope, Throwable thrown) {
        if (!(scope instanceof Scope request)) {
            return;
        }
        try {
            if (thrown != null) {
                transactions.markRollbackOnly(request.xid, "a request handler failed: " + thrown);
                resources.abandon(request.xid, "the request handler failed: " + thrown);
            } else {
                resources.endOfWork(request.xid);
            }
            answer(request, false, thrown);
        } finally {
            SERVING.set(request.outer);
            TransactionContext.restore(request.previous);
        }
    }
}
