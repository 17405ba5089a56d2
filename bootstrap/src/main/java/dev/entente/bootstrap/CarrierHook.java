package dev.entente.bootstrap;

/**
 * What the application's own propagation ({@code dev.entente.api.PropagationHeaders}) tells the runtime,
 * for transports the agent does not instrument: the context leaves with a message, or arrives with one
 * and work is done in it. The same headers as HTTP's ({@link HttpHook#XID_HEADER}, {@link
 * HttpHook#TOKEN_HEADER}), carried by the application.
 */
public interface CarrierHook {

    CarrierHook NONE = new CarrierHook() {
    };

    /**
     * Global transaction {@code xid} leaves this process with a message the application sends: the
     * token to send with it, or "" if this process holds none.
     */
    default String leaving(String xid) {
        return "";
    }

    /**
     * Work is about to be done in {@code xid}, which arrived with {@code token} (null if none); returns
     * what to hand {@link #workEnded}, or null when there is nothing to end (no XID, or the current
     * thread works in that transaction already). Throws IllegalArgumentException for an XID that is
     * not well formed.
     */
    default Object workStarted(String xid, String token) {
        return null;
    }

    /** The work ended ({@code thrown} null if it returned normally); the process's open branches prepare, or roll back. */
    default void workEnded(Object scope, Throwable thrown) {
    }
}
