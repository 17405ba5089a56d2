package dev.entente.api;

import java.util.HashMap;
import java.util.Map;

/** Fencing tokens of the {@link Locked} locks the current thread holds. */
public final class Locks {

    private static final ThreadLocal<Map<String, Long>> HELD = ThreadLocal.withInitial(HashMap::new);

    private Locks() {
    }

    /**
     * The fencing token of the lock on {@code key} that the current thread holds: it grows with every
     * new holder of the key, so a storage write guarded by it can reject a stale holder.
     *
     * @throws IllegalStateException if the current thread does not hold a lock on {@code key}
     */
    public static long fencingToken(String key) {
        Long token = HELD.get().get(key);
        if (token == null) {
            throw new IllegalStateException("the current thread holds no @Locked lock on key '" + key + "'");
        }
        return token;
    }

    /** Records that the current thread holds {@code key} with {@code token}; called by the runtime. */
    public static void held(String key, long token) {
        HELD.get().put(key, token);
    }

    /** Records that the current thread no longer holds {@code key}; called by the runtime. */
    public static void released(String key) {
        HELD.get().remove(key);
    }
}
