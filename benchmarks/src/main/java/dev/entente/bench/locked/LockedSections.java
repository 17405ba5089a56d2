package dev.entente.bench.locked;

import dev.entente.api.Locked;

/** The same critical section behind {@code @Locked}: the agent takes and gives back the ZooKeeper lock. */
final class LockedSections {

    private final CriticalSection section;

    LockedSections(CriticalSection section) {
        this.section = section;
    }

    @Locked(key = "key-{0}", waitMillis = 10_000)
    public void enter(int key) {
        section.enter(key);
    }
}
