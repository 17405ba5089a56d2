package dev.entente.runtime.tm;

/**
 * What entering a transactional method did, so that leaving it can undo it: began a transaction
 * (this thread owns it), joined the caller's, suspended the caller's, or nothing.
 */
public record TransactionScope(Kind kind, String xid, String previousXid, TransactionDefinition definition,
                               ClassLoader applicationLoader) {

    public enum Kind {
        /** Began a global transaction; leaving commits or rolls it back. */
        OWNER,
        /** Joined the caller's transaction. */
        JOINED,
        /** Suspended the caller's transaction (or there was none) and ran without one. */
        NONE
    }
}
