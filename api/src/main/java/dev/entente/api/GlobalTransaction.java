package dev.entente.api;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Optional;

/** The global transaction bound to the current thread, as seen by application code. */
public final class GlobalTransaction {

    private static final String CONTEXT_CLASS = "dev.entente.bootstrap.TransactionContext";
    private static final MethodHandle CURRENT_XID = findContext();

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

    /**
     * Entente's context holder: on the bootstrap class path when the agent is attached, else beside
     * this class when the runtime is used as a library; absent when Entente is not there at all.
     */
    private static MethodHandle findContext() {
        for (ClassLoader loader : new ClassLoader[] {null, GlobalTransaction.class.getClassLoader()}) {
            try {
                Class<?> context = Class.forName(CONTEXT_CLASS, true, loader);
                return MethodHandles.publicLookup().findStatic(context, "currentXid", MethodType.methodType(String.class));
            } catch (ReflectiveOperationException | LinkageError notThere) {
                // try the next loader
            }
        }
        return null;
    }
}
