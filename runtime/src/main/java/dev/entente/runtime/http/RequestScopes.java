package dev.entente.runtime.http;

import com.sun.net.httpserver.HttpExchange;
import dev.entente.bootstrap.HttpHook;
import dev.entente.bootstrap.TransactionContext;
import dev.entente.protocol.BranchReport;
import dev.entente.protocol.client.TokenBook;
import dev.entente.runtime.jdbc.ResourceManager;
import dev.entente.runtime.tm.CarriedVotes;
import dev.entente.runtime.tm.TransactionManager;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An incoming request that carries an XID runs inside that global transaction: the XID is bound for
 * the request's handling, and when the handling ends this service's open branches prepare. A handler
 * that fails marks the transaction for rollback. A request dispatched again inside its own handling
 * (a filter, then the servlet) is scoped once, by the outermost call. Which requests join, and how they
 * answer with their votes: {@link JoinedRequests}. Outgoing requests under a transaction carry its XID
 * ({@link ClientMessages}: immutable requests are copied with the header, mutable ones get it set).
 */
public final class RequestScopes implements HttpHook {

    private static final Logger LOG = LoggerFactory.getLogger(RequestScopes.class);

    /** One request served on this thread under a transaction. */
    private record Scope(JoinedRequest request, String previous, Scope outer) {
    }

    /** The request being served on this thread, innermost first. */
    private static final ThreadLocal<Scope> SERVING = new ThreadLocal<>();

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
    private final TokenBook tokens;
    private final JoinedRequests joined;

    public RequestScopes(ResourceManager resources, TransactionManager transactions, CarriedVotes votes, TokenBook tokens,
                         JoinedRequests joined) {
        this.resources = resources;
        this.votes = votes;
        this.transactions = transactions;
        this.tokens = tokens;
        this.joined = joined;
    }

    @Override
    public Object requestStarted(String xid, Object request, Object response) {
        if (xid == null || xid.isEmpty()) {
            return null;
        }
        if (xid.equals(TransactionContext.currentXid())) {
            return null; // dispatched again inside its own handling: the outermost call ends it
        }
        // an HttpExchange's response leaves through sendResponseHeaders, seen first
        JoinedRequest joinedRequest = joined.join(xid, request, response, response instanceof HttpExchange);
        if (joinedRequest == null) {
            return null;
        }
        Scope scope = new Scope(joinedRequest, TransactionContext.bind(xid), SERVING.get());
        SERVING.set(scope);
        return scope;
    }

    @Override
    public String header(Object request, String name) {
        return ServerMessages.header(request, name);
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

    /**
     * A future, or a Reactor {@code Mono} (Spring's {@code WebClient}), is replaced by one that takes the
     * votes of its response before it hands it on, on whichever thread it arrives; a response's are taken now.
     */
    @Override
    public Object responseReturned(String xid, Object returned) {
        if (returned instanceof CompletableFuture<?> pending) {
            return pending.thenApply(response -> {
                responseReceived(xid, response);
                return response;
            });
        }
        if (Monos.isMono(returned)) {
            return Monos.peekingValue(returned, response -> responseReceived(xid, response));
        }
        responseReceived(xid, returned);
        return returned;
    }

    /**
     * The response of the request being served leaves now, with {@code status} (0: as the response is set):
     * this service's open branches of its transaction end first (prepare; roll back if left uncommitted, or
     * all of them if the status is a server error, 5xx), and their votes, with those of the services it called, go in the
     * response if its caller reads them.
     */
    @Override
    public void responseStarting(Object response, int status) {
        Scope scope = SERVING.get();
        String xid = TransactionContext.currentXid();
        if (scope == null || scope.request().response != response || !scope.request().xid.equals(xid)) {
            if (xid != null) {
                resources.endOfWork(xid);
            }
            return;
        }
        Throwable failure = ServerMessages.failureOf(xid, status != 0 ? status : ServerMessages.status(response));
        joined.workEnded(scope.request(), failure);
        joined.answer(scope.request(), true, failure);
    }

    @Override
    public void requestEnded(Object scope, Throwable thrown) {
        if (!(scope instanceof Scope served)) {
            return;
        }
        try {
            JoinedRequest request = served.request();
            Throwable failure = thrown != null ? thrown : ServerMessages.failureOf(request.xid, ServerMessages.status(request.response));
            joined.workEnded(request, failure);
            joined.answer(request, false, failure);
        } finally {
            SERVING.set(served.outer());
            TransactionContext.restore(served.previous());
        }
    }
}
