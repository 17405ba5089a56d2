package dev.entente.coordinator.txn;

/** A request the coordinator refuses; the message names the transaction, branch or field involved. */
public final class Rejection extends RuntimeException {

    /** Why, in the terms the protocol's error codes use. */
    public enum Kind {
        /** A malformed field. */
        INVALID,
        /** The XID is unknown: never begun here, or lost before its decision (presumed aborted). */
        UNKNOWN,
        /** The transaction is no longer active. */
        NOT_ACTIVE,
        /** The calling application may not do this to the transaction: it belongs to another. */
        PERMISSION_DENIED,
        /** The request contradicts an outcome that stands (a resolve against the decision). */
        CONFLICT,
        /** This node cannot serve now (not the leader, or the decision could not be replicated). */
        UNAVAILABLE,
        /** A limit on what a client may make the leader hold; the message names it and the option that raises it. */
        LIMIT
    }

    private final Kind kind;

    public Rejection(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static Rejection invalid(String message) {
        return new Rejection(Kind.INVALID, message);
    }

    /** {@code what} is past its limit {@code limit}, which {@code option} raises. */
    public static Rejection limit(String what, long limit, String option) {
        return new Rejection(Kind.LIMIT, what + ": the limit is " + limit + " (" + option + ")");
    }
}
