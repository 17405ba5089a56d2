package dev.entente.api;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;

/** Fencing tokens of the {@link Locked} locks held by the current thread or its global transaction. */
public final class Locks {

    private static final String CONTEXT_CLASS = "dev.entente.bootstrap.LockContext";
    private static final MethodHandle FENCING_TOKEN = EntenteContext.find(CONTEXT_CLASS, "fencingToken",
            MethodType.methodType(Long.class, String.class));

    private Locks() {
    }

    /**
     * The fencing token of the lock on {@code key} held by the current thread (or, inside a global
     * transaction, by that transaction): the ZooKeeper zxid that created the lock's node. It is larger
     * for every new holder of the key, so a storage write guarded by it ({@code ... where token < ?})
     * rejects a holder whose lock was lost and taken over meanwhile.
     *
     * @throws IllegalStateException if no lock on {@code key} is held here
     */
    public static long fencingToken(String key) {
        Long token;
        try {
            token = FENCING_TOKEN == null ? null : (Long) FENCING_TOKEN.invokeExact(key);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot read Entente's lock context", e);
        }
        if (token == null) {
            throw new IllegalStateException("neither the current thread nor its global transaction holds a @Locked lock on key '"
                    + key + "'");
        }
        return token;
    }
}
