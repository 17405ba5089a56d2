package dev.entente.api;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The global transaction's context as named headers, for transports the agent does not reach (a
 * message broker's own client, a raw socket, a job scheduler's job data). The sender puts {@link
 * #current()} on its message; the receiver runs its work with {@link #callIn} / {@link #runIn} given the
 * message's headers. These are the headers the agent puts on HTTP requests: {@value #XID} and
 * {@value #TOKEN}.
 *
 * <pre>{@code
 * // sender, inside a @GlobalTransactional method
 * PropagationHeaders.current().forEach(message::setHeader);
 * client.send(message);
 *
 * // receiver
 * PropagationHeaders.runIn(message::getHeader, () -> stock.reserve(message.body()));
 * }</pre>
 *
 * <p>The receiver's work joins the transaction: its database work becomes branches that prepare when
 * the work returns, and an exception from it makes the whole transaction roll back (and is thrown on).
 * The sender's transaction commits only once those branches voted, so the sender should wait for the
 * receiver's answer before its {@code @GlobalTransactional} method returns, as it would over HTTP.
 * Without the agent or runtime, or without a transaction, the headers are empty and the work runs as it is.
 */
public final class PropagationHeaders {

    /** The header that carries the global transaction's XID. */
    public static final String XID = "entente-xid";
    /**
     * The header that carries the transaction's token next to its XID: only a holder of both can join
     * the transaction. Treat it as a secret: do not log it.
     */
    public static final String TOKEN = "entente-token";

    private static final String CONTEXT_CLASS = "dev.entente.bootstrap.CarriedContext";
    private static final MethodHandle HEADERS = EntenteContext.find(CONTEXT_CLASS, "headers",
            MethodType.methodType(Map.class));
    private static final MethodHandle WORK_STARTED = EntenteContext.find(CONTEXT_CLASS, "workStarted",
            MethodType.methodType(Object.class, String.class, String.class));
    private static final MethodHandle WORK_ENDED = EntenteContext.find(CONTEXT_CLASS, "workEnded",
            MethodType.methodType(void.class, Object.class, Throwable.class));

    private PropagationHeaders() {
    }

    /**
     * The headers that carry the current thread's global transaction ({@value #XID} and {@value #TOKEN}),
     * to put on an outgoing message; empty outside a global transaction.
     */
    @SuppressWarnings("unchecked")
    public static Map<String, String> current() {
        if (HEADERS == null) {
            return Map.of();
        }
        try {
            return Map.copyOf((Map<String, String>) HEADERS.invokeExact());
        } catch (Throwable e) {
            throw new IllegalStateException("cannot read Entente's transaction context", e);
        }
    }

    /**
     * Runs {@code work} in the global transaction named by the headers that {@code headers} gives by
     * name (a message's header getter; it may answer null), and returns its result. Without an {@value
     * #XID} header the work runs outside any global transaction.
     *
     * @throws IllegalArgumentException if the {@value #XID} header is not an Entente XID
     * @throws Exception                what {@code work} threw, after marking the transaction for rollback
     */
    public static <V> V callIn(Function<String, String> headers, Callable<V> work) throws Exception {
        Object scope = started(headers.apply(XID), headers.apply(TOKEN));
        V result;
        try {
            result = work.call();
        } catch (Exception | Error e) {
            ended(scope, e);
            throw e;
        }
        ended(scope, null);
        return result;
    }

    /** {@link #callIn} for work without a result or checked exceptions. */
    public static void runIn(Function<String, String> headers, Runnable work) {
        try {
            callIn(headers, () -> {
                work.run();
                return null;
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e); // cannot happen: a Runnable throws no checked exception
        }
    }

    private static Object started(String xid, String token) {
        if (WORK_STARTED == null) {
            return null;
        }
        try {
            return (Object) WORK_STARTED.invokeExact(xid, token);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot join the global transaction " + xid, e);
        }
    }

    private static void ended(Object scope, Throwable thrown) {
        if (WORK_ENDED == null || scope == null) {
            return;
        }
        try {
            WORK_ENDED.invokeExact(scope, thrown);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot end the work in Entente's global transaction", e);
        }
    }
}
