package dev.entente.bootstrap;

/** What instrumented HTTP servers tell the runtime: a request arrived, or its handling ended. */
public interface HttpHook {

    HttpHook NONE = new HttpHook() {
    };

    /** The header that carries the XID on requests (and Kafka records). */
    String XID_HEADER = "entente-xid";

    /**
     * A {@code java.net.http.HttpRequest} is about to be sent under global transaction {@code xid}:
     * the request to send instead, carrying the XID (typed {@code Object}: this bootstrap class cannot
     * see {@code java.net.http}).
     */
    default Object outgoing(Object request, String xid) {
        return request;
    }

    /** A request carrying {@code xid} (may be null) arrived; returns the scope to hand to {@link #requestEnded}. */
    default Object requestStarted(String xid) {
        return null;
    }

    /** The current request's response is about to be sent: the caller may act on it at once. */
    default void responseStarting() {
    }

    /** The request's handling ended; the service's open branches of the transaction prepare. */
    default void requestEnded(Object scope, Throwable thrown) {
    }
}
