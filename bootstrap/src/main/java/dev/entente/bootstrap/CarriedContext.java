package dev.entente.bootstrap;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The entry points of {@code dev.entente.api.PropagationHeaders}, which finds them by name: the headers
 * of the current thread's global transaction, and work done in a transaction that arrived in headers.
 */
public final class CarriedContext {

    private CarriedContext() {
    }

    /** The headers that carry the current thread's global transaction; empty when it works in none. */
    public static Map<String, String> headers() {
        String xid = TransactionContext.currentXid();
        Map<String, String> headers = new LinkedHashMap<>();
        if (xid != null) {
            headers.put(HttpHook.XID_HEADER, xid);
            String token = Hooks.carrier.leaving(xid);
            if (token != null && !token.isEmpty()) {
                headers.put(HttpHook.TOKEN_HEADER, token);
            }
        }
        return headers;
    }

    /** Starts work in the transaction {@code xid} names (none if null or empty); see {@link CarrierHook#workStarted}. */
    public static Object workStarted(String xid, String token) {
        return xid == null || xid.isEmpty() ? null : Hooks.carrier.workStarted(xid, token);
    }

    /** Ends the work {@link #workStarted} began. */
    public static void workEnded(Object scope, Throwable thrown) {
        if (scope != null) {
            Hooks.carrier.workEnded(scope, thrown);
        }
    }
}
