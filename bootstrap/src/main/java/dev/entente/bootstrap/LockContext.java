package dev.entente.bootstrap;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fencing tokens of the {@code @Locked} locks held in this JVM, where the application's
 * {@code Locks.fencingToken(key)} reads them. A lock taken inside a global transaction belongs to the
 * transaction (any thread working in it sees the token); one taken outside belongs to the thread.
 * Lives on the bootstrap class path for the same reason as {@link TransactionContext}.
 */
public final class LockContext {

    private static final ThreadLocal<Map<String, Long>> BY_THREAD = new ThreadLocal<>();
    private static final Map<String, Map<String, Long>> BY_TRANSACTION = new ConcurrentHashMap<>();

    private LockContext() {
    }

    /** The token of {@code key} held by the current thread's transaction, or else by the thread; null if none. */
    public static Long fencingToken(String key) {
        String xid = TransactionContext.currentXid();
        if (xid != null) {
            Map<String, Long> tokens = BY_TRANSACTION.get(xid);
            Long token = tokens == null ? null : tokens.get(key);
            if (token != null) {
                return token;
            }
        }
        Map<String, Long> tokens = BY_THREAD.get();
        return tokens == null ? null : tokens.get(key);
    }

    /** {@code key} is now held with {@code token} by transaction {@code xid}, or by the current thread if xid is null. */
    public static void held(String xid, String key, long token) {
        if (xid != null) {
            BY_TRANSACTION.computeIfAbsent(xid, x -> new ConcurrentHashMap<>()).put(key, token);
            return;
        }
        Map<String, Long> tokens = BY_THREAD.get();
        if (tokens == null) {
            tokens = new HashMap<>();
            BY_THREAD.set(tokens);
        }
        tokens.put(key, token);
    }

    /** {@code key} is no longer held by transaction {@code xid} (any thread), or by the current thread if xid is null. */
    public static void released(String xid, String key) {
        if (xid != null) {
            BY_TRANSACTION.computeIfPresent(xid, (x, tokens) -> {
                tokens.remove(key);
                return tokens.isEmpty() ? null : tokens;
            });
            return;
        }
        Map<String, Long> tokens = BY_THREAD.get();
        if (tokens != null) {
            tokens.remove(key);
            if (tokens.isEmpty()) {
                BY_THREAD.remove();
            }
        }
    }
}
