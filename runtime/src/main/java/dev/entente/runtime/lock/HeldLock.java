package dev.entente.runtime.lock;

/** One lock held in this process: by a global transaction ({@code xid}) or, outside one, by a thread. Guarded by its monitor. */
final class HeldLock {

    /** Who holds which key: a transaction, or (xid null) a thread. */
    record Owner(String key, String xid, Thread thread) {
    }

    final Owner owner;
    ZooKeeperMutex.Lease lease;
    /** Annotated methods currently inside the lock (re-entrancy). */
    int entries;
    /** Why the lock counts as lost, once it does. */
    String lostBecause;
    boolean lossReported;
    boolean released;

    HeldLock(Owner owner) {
        this.owner = owner;
    }

    String key() {
        return owner.key();
    }

    String xid() {
        return owner.xid();
    }
}
