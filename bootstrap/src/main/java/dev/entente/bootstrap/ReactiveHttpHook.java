package dev.entente.bootstrap;

/**
 * What an instrumented reactive HTTP server tells the runtime. Reactor Netty hands a server request's
 * events to the application one at a time on its event loop (the request's arrival, each part of its
 * body, its end); Spring WebFlux answers it with a response that commits later, on whichever thread the
 * answer is ready. So a request carrying a transaction has it bound for each of its events, not for a
 * thread, and its work ends, and its votes go into its response, when that response commits. Reactor
 * Netty's and Spring's types are typed {@code Object}: this bootstrap class cannot see them.
 */
public interface ReactiveHttpHook {

    ReactiveHttpHook NONE = new ReactiveHttpHook() {
    };

    /**
     * Reactor Netty hands an event of server request {@code request} (its {@code HttpServerOperations}) to
     * the application on this thread: the request's transaction, if it carries one and has not answered
     * yet, is bound for it. Returns what to hand to {@link #eventEnded}; null when nothing was bound.
     */
    default Object eventStarted(Object request) {
        return null;
    }

    /** The event is handled: the thread's binding is put back. */
    default void eventEnded(Object binding) {
    }

    /**
     * Spring WebFlux handles the request whose event runs on this thread: {@code response} (a {@code
     * ServerHttpResponse}) is its answer, {@code handling} (a {@code Mono<Void>}) the handling. Returns the
     * handling to subscribe instead: one that ends the request's work if it ends without a response.
     */
    default Object handling(Object response, Object handling) {
        return handling;
    }
}
