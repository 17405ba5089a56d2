package dev.entente.api;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.util.Optional;

/** The global transaction bound to the current thread, as seen by application code. */
public final class GlobalTransaction {

    private static final String CONTEXT_CLASS = "dev.entente.bootstrap.TransactionContext";
    private static final MethodHandle CURRENT_XID = EntenteContext.find(CONTEXT_CLASS, "currentXid",
            MethodType.methodType(String.class));

    private GlobalTransaction() {
    }

    /** The XID of the global transaction the current thread works in, if any. */
    public static Optional<String> currentXid() {
        if (CURRENT_XID == null) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable((String) CURRENT_XID.invokeExact());
        } catch (Throwable e) {
            throw new IllegalStateException("cannot read Entente's transaction context", e);
        }
    }
}
