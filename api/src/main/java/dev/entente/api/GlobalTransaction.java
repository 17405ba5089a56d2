package dev.entente.api;

import java.util.Optional;

/** The global transaction bound to the current thread, as seen by application code. */
public final class GlobalTransaction {

    private static final ThreadLocal<String> CURRENT_XID = new InheritableThreadLocal<>();

    private GlobalTransaction() {
    }

    /** The XID of the global transaction the current thread works in, if any. */
    public static Optional<String> currentXid() {
        return Optional.ofNullable(CURRENT_XID.get());
    }

    /**
     * Binds {@code xid} to the current thread, or unbinds with {@code null}; returns the XID that was
     * bound before. Called by the Entente runtime, not by applications.
     */
    public static String bind(String xid) {
        String previous = CURRENT_XID.get();
        if (xid == null) {
            CURRENT_XID.remove();
        } else {
            CURRENT_XID.set(xid);
        }
        return previous;
    }
}
