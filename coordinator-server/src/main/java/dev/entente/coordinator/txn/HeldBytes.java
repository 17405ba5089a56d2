package dev.entente.coordinator.txn;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The leader's budget for what undecided transactions hold (--max-held-bytes): their messages, their
 * branches and a fixed amount each. Sizes are estimates from the fields a client sends (two bytes a
 * character, plus overhead), never less than what the JVM holds for them; past the budget, whatever
 * would add to it is refused, so the leader's memory for undecided transactions stays bounded however
 * many applications, transactions or branches clients bring.
 */
final class HeldBytes {

    /** What one undecided transaction holds before its first branch or message: its entry, timer and maps. */
    static final long PER_TRANSACTION = 1024;

    private final long max;
    private final AtomicLong held = new AtomicLong();

    HeldBytes(long max) {
        this.max = max;
    }

    /** The held bytes of a branch whose fields are {@code fields}. */
    static long ofBranch(String... fields) {
        long chars = 0;
        for (String field : fields) {
            chars += field.length();
        }
        return 160 + 2 * chars;
    }

    /** Takes {@code bytes} more, or refuses {@code what} (naming it) if the budget cannot hold them. */
    void take(String what, long bytes) {
        while (true) {
            long now = held.get();
            if (bytes > 0 && now + bytes > max) {
                throw Rejection.limit(what + ": the leader holds " + now + " bytes for undecided transactions (their "
                        + "branches and messages), and " + bytes + " more would pass its limit; retry once some are decided",
                        max, "--max-held-bytes");
            }
            if (held.compareAndSet(now, now + bytes)) {
                return;
            }
        }
    }

    void give(long bytes) {
        held.addAndGet(-bytes);
    }

    long held() {
        return held.get();
    }
}
