package dev.entente.bootstrap;

/**
 * What instrumented gRPC clients and servers (grpc-java, the application's own) tell the runtime. Its
 * types ({@code Metadata}, {@code ServerCall}, {@code Status}) are typed {@code Object}: this bootstrap
 * class cannot see them. The context travels in the call's headers ({@link HttpHook#XID_HEADER}, {@link
 * HttpHook#TOKEN_HEADER}); the server's work runs in the transaction and prepares when its handler
 * returns, its branches registered (their votes do not ride the response).
 */
public interface RpcHook {

    RpcHook NONE = new RpcHook() {
    };

    /** A client call starts under {@code xid} with {@code headers} (a {@code Metadata}): they get the XID and token. */
    default void callStarting(Object headers, String xid) {
    }

    /** A server call was created for a request that came with {@code headers}. */
    default void callArrived(Object call, Object headers) {
    }

    /** The server call is being closed with {@code status}: a status other than OK fails the call's work. */
    default void callClosing(Object call, Object status) {
    }

    /**
     * The call's handler is about to run on this thread (the half-close of a unary or server-streaming
     * call): what to hand {@link #handlerEnded}, or null when the call carries no transaction.
     */
    default Object handlerStarted(Object call) {
        return null;
    }

    /** The handler returned ({@code thrown} null) or threw: the call's work prepares, or rolls back. */
    default void handlerEnded(Object scope, Throwable thrown) {
    }
}
