package dev.entente.api;

/**
 * Thrown by a {@link GlobalTransactional} method that returned normally when its global transaction
 * could not commit and was rolled back instead: a branch failed to prepare, the transaction timed
 * out, or a participant asked for rollback. The message says which.
 */
public class TransactionRolledBackException extends RuntimeException {

    private final String xid;

    public TransactionRolledBackException(String xid, String message, Throwable cause) {
        super(message, cause);
        this.xid = xid;
    }

    /** The XID of the transaction that rolled back. */
    public String xid() {
        return xid;
    }
}
