package dev.entente.bootstrap;

/**
 * What instrumented HTTP clients and servers tell the runtime: a request leaves under a transaction, a
 * request arrived, its response is about to leave, its handling ended. Requests and responses of
 * libraries outside {@code java.base} are typed {@code Object}: this bootstrap class cannot see them.
 */
public interface HttpHook {

    HttpHook NONE = new HttpHook() {
    };

    /** The header that carries the XID on requests (and Kafka records). */
    String XID_HEADER = "entente-xid";

    /**
     * The header that carries the transaction's token next to its XID: only a holder of both may join
     * the transaction. It is a secret: never log it.
     */
    String TOKEN_HEADER = "entente-token";

    /**
     * The header of a response that carries the votes of the branches the called service (and the
     * services it called) prepared under the request's transaction: they ride to the owner's Commit
     * instead of being reported to the coordinator one by one.
     */
    String VOTES_HEADER = "entente-votes";

    /** The request header by which a client says it reads {@link #VOTES_HEADER} from the response. */
    String ACCEPT_VOTES_HEADER = "entente-accept-votes";

    /**
     * A client request is about to be sent under global transaction {@code xid}: the request to send,
     * carrying the XID and, if this process holds it, the transaction's token. An immutable {@code
     * java.net.http.HttpRequest} or OkHttp {@code Request} is replaced by a copy; a mutable one (Apache
     * HttpClient 5's {@code HttpMessage}, a Jetty client {@code Request}, a {@code java.net.URLConnection}
     * not yet connected) gets the headers and is returned as it is.
     */
    default Object outgoing(Object request, String xid) {
        return request;
    }

    /** Header {@code name} of a server request the advice cannot type (a Servlet request), or null. */
    default String header(Object request, String name) {
        return null;
    }

    /**
     * The response to a request sent under global transaction {@code xid} arrived ({@code
     * java.net.http.HttpResponse}, a {@code java.net.URLConnection} that has its response, an Apache
     * HttpClient 5 response): the votes it carries are taken.
     */
    default void responseReceived(String xid, Object response) {
    }

    /**
     * A client's response arrived, on whichever thread, from a library whose response leads to its
     * request (OkHttp's {@code Response}, the Jetty client's): if that request carried an XID, the votes
     * the response carries are taken, as by {@link #responseReceived}.
     */
    default void responseArrived(Object response) {
    }

    /**
     * A request under {@code xid} is handed to an asynchronous client with {@code callback}, which will
     * be handed its response (Apache HttpClient 5's {@code AsyncExecCallback}): the callback to hand it
     * instead, one that takes the response's votes before it passes the response on.
     */
    default Object takingVotes(String xid, Object callback) {
        return callback;
    }

    /**
     * {@code HttpClient.send} or {@code sendAsync} under {@code xid} returned {@code returned} (a
     * response, or a future of one): what to hand to the application instead. A response's votes are
     * taken now; a future is replaced by one that takes them before it completes.
     */
    default Object responseReturned(String xid, Object returned) {
        return returned;
    }

    /**
     * A request carrying {@code xid} (may be null) arrived; returns the scope to hand to {@link
     * #requestEnded}, or null when there is nothing to end: no XID, an XID from a sender the setting
     * accept-context-from does not accept, or the same request dispatched again inside its own handling
     * (filter to servlet, servlet to servlet). {@code request} is the server's request ({@code
     * HttpExchange}, a Servlet request): its sender's address, and the token next to the XID, are read
     * from it only when it carries an XID. {@code response} (the same {@code HttpExchange}, a Servlet
     * response) is where the votes of the request's work go.
     */
    default Object requestStarted(String xid, Object request, Object response) {
        return null;
    }

    /**
     * The current request's {@code response} is about to be sent, with {@code status} (0: the status the
     * response is set to): the caller may act on it at once.
     */
    default void responseStarting(Object response, int status) {
    }

    /**
     * The request's handling ended; the service's open branches of the transaction prepare, or roll back if
     * it threw or its response has an error status.
     */
    default void requestEnded(Object scope, Throwable thrown) {
    }
}
