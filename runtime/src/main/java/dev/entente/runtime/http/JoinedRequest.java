package dev.entente.runtime.http;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request this service serves inside the global transaction it carries ({@link JoinedRequests}), from
 * its admission to its answer.
 */
final class JoinedRequest {

    final String xid;
    /** Where the votes of the request's work go: the server's response ({@code HttpExchange}, Servlet, Spring WebFlux). */
    final Object response;
    /** Its caller reads votes from the response. */
    final boolean carriesVotes;
    /** Nothing of the response leaves before it takes the votes (see {@code CarriedVotes}). */
    final boolean sure;
    private final AtomicBoolean answered = new AtomicBoolean();
    private final AtomicBoolean failed = new AtomicBoolean();

    JoinedRequest(String xid, Object response, boolean carriesVotes, boolean sure) {
        this.xid = xid;
        this.response = response;
        this.carriesVotes = carriesVotes;
        this.sure = sure;
    }

    /** True the first time only: the request's work failed (its handler threw, its response is a server error). */
    boolean fails() {
        return failed.compareAndSet(false, true);
    }

    /** True the first time only: whoever gets it answers the request (its response, or its end without one). */
    boolean takeAnswer() {
        return answered.compareAndSet(false, true);
    }
}
