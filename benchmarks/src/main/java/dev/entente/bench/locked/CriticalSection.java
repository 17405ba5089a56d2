package dev.entente.bench.locked;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The work done under the lock, the same for both ways of locking: it counts one entry on its key
 * and fails if another holder is inside at the same time (so a lock that does not exclude shows up
 * as errors, not as speed).
 */
final class CriticalSection {

    private final AtomicIntegerArray inside;

    CriticalSection(int keys) {
        this.inside = new AtomicIntegerArray(keys);
    }

    int anyKey() {
        return ThreadLocalRandom.current().nextInt(inside.length());
    }

    void enter(int key) {
        if (inside.incrementAndGet(key) != 1) {
            inside.decrementAndGet(key);
            throw new IllegalStateException("two holders inside the critical section of key " + key + " at once");
        }
        Thread.onSpinWait();
        inside.decrementAndGet(key);
    }
}
