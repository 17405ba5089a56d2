package dev.entente.runtime.http;

import dev.entente.bootstrap.HttpHook;
import dev.entente.bootstrap.ReactiveHttpHook;
import dev.entente.bootstrap.TransactionContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Requests that Spring WebFlux, on Reactor Netty, serves inside the global transaction they carry. Such a
 * request's work keeps to no thread: Reactor Netty hands its events (its arrival, each part of its body,
 * its end) to the application one at a time on an event loop, and the answer may be made elsewhere
 * (work on {@code Schedulers.boundedElastic()} goes through an executor, so it carries the transaction).
 * So the transaction is bound for each of the request's events rather than for a thread:
 *
 * <ul>
 *   <li>the request joins its transaction ({@link JoinedRequests}) when WebFlux takes it, in its first
 *       event, and the transaction is bound from then on for that event and each later one;</li>
 *   <li>its work ends when its response commits (Spring's {@code beforeCommit}, before any of the response
 *       leaves): unless its status is a server error (5xx, {@link ServerMessages#failureOf}) this service's
 *       branches prepare and their votes go into the response's headers; with a server error (an exception or
 *       error signal of the handler is answered 500) the transaction is marked for rollback and they roll back;</li>
 *   <li>a handling that ends without its response committing (cancelled, its connection lost) fails the
 *       work the same way;</li>
 *   <li>events after the response committed run outside the transaction.</li>
 * </ul>
 */
public final class ReactiveRequests implements ReactiveHttpHook {

    private static final LibraryMethod BEFORE_COMMIT = new LibraryMethod("beforeCommit", new Class<?>[] {Supplier.class},
            "org.springframework.http.ReactiveHttpOutputMessage");

    /** A request joined to its transaction, until its response commits or its handling ends, whichever is first. */
    private static final class Served {
        final Object nettyRequest;
        final JoinedRequest joined;
        final AtomicBoolean ended = new AtomicBoolean();

        Served(Object nettyRequest, JoinedRequest joined) {
            this.nettyRequest = nettyRequest;
            this.joined = joined;
        }
    }

    /** An event of a request carrying an XID being handled on this thread, and what the thread had bound before it. */
    private record Event(Object nettyRequest, String previous, Event outer) {
    }

    private static final ThreadLocal<Event> HANDLING = new ThreadLocal<>();

    private final JoinedRequests joinedRequests;
    /**
     * By Reactor Netty's request (a connection makes one per request, with identity equality), until the
     * request's response commits or its handling ends: no longer, for the response it holds leads to it.
     */
    private final Map<Object, Served> byNettyRequest = new ConcurrentHashMap<>();

    public ReactiveRequests(JoinedRequests joinedRequests) {
        this.joinedRequests = joinedRequests;
    }

    @Override
    public Object eventStarted(Object nettyRequest) {
        String xid = ServerMessages.header(nettyRequest, HttpHook.XID_HEADER);
        if (xid == null || xid.isEmpty()) {
            return null;
        }
        Event event = new Event(nettyRequest, TransactionContext.currentXid(), HANDLING.get());
        HANDLING.set(event);
        Served served = byNettyRequest.get(nettyRequest);
        if (served != null && !served.ended.get()) {
            TransactionContext.bind(served.joined.xid);
        }
        return event;
    }

    @Override
    public void eventEnded(Object binding) {
        if (binding instanceof Event event) {
            HANDLING.set(event.outer());
            TransactionContext.restore(event.previous());
        }
    }

    /**
     * The request of this thread's event joins its transaction, which stays bound for the rest of the event
     * (where Reactor Netty subscribes to the handling): its work ends when {@code response} commits, or
     * when the handling ends if it never does.
     */
    @Override
    public Object handling(Object response, Object handling) {
        Event event = HANDLING.get();
        if (event == null || byNettyRequest.containsKey(event.nettyRequest())) {
            return handling; // not in an event of a request carrying an XID (WebFlux on another server), or joined already
        }
        String xid = ServerMessages.header(event.nettyRequest(), HttpHook.XID_HEADER);
        // Spring commits a response through its beforeCommit actions only: none of it leaves before they ran
        JoinedRequest joined = joinedRequests.join(xid, event.nettyRequest(), response, true);
        if (joined == null) {
            return handling;
        }
        Served served = new Served(event.nettyRequest(), joined);
        byNettyRequest.put(served.nettyRequest, served);
        TransactionContext.bind(xid);
        Supplier<Object> beforeCommit = () -> {
            ended(served, true, ServerMessages.failureOf(xid, ServerMessages.status(response)));
            return Monos.empty(handling);
        };
        BEFORE_COMMIT.invoke(response, beforeCommit);
        return Monos.finallyRunning(handling, signal -> ended(served, false, new IllegalStateException(
                "the handling of a request under " + xid + " ended (" + signal + ") before its response committed")));
    }

    /**
     * The request's work ends, the first time only: as its response commits ({@code leaving}), or as its
     * handling ends without one; it failed if {@code failure} is not null.
     */
    private void ended(Served served, boolean leaving, Throwable failure) {
        byNettyRequest.remove(served.nettyRequest);
        if (served.ended.compareAndSet(false, true)) {
            joinedRequests.workEnded(served.joined, failure);
            joinedRequests.answer(served.joined, leaving, failure);
        }
    }
}
