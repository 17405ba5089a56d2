package dev.entente.runtime.jdbc;

/**
 * Asked before a branch prepares (its yes vote): may a branch of this transaction vote yes? The lock
 * manager answers no when a lock the transaction holds was lost, so that no branch prepares without
 * its lock. Keeps the resource manager free of what the reasons are.
 */
@FunctionalInterface
public interface BranchGuard {

    BranchGuard NONE = xid -> null;

    /** Why a branch of {@code xid} must not prepare, or null if it may. */
    String refusePrepare(String xid);

    /**
     * This RM just finished phase 2 of a branch of {@code xid} on the coordinator's command: what a
     * branch's preparing held for the transaction may soon be given back (its phase 2 may be over).
     */
    default void phaseTwoCommandDone(String xid) {
    }
}
