package dev.entente.coordinator.txn;

import java.util.Optional;

/**
 * Who makes a request: an authenticated application, or anyone (a coordinator running without
 * authentication, {@code --dev} or {@code --insecure}). A transaction belongs to the application that
 * began it: only that application commits or rolls it back; it and the applications allowed to join
 * its transactions (their branches are part of it) register branches, vote, publish and ask its status.
 */
public final class Caller {

    /** Which applications may take part in which applications' transactions. */
    public interface Participation {
        /** True if {@code app} may take part in the transactions {@code owner} begins. */
        boolean mayJoin(String app, String owner);
    }

    public static final Caller ANYONE = new Caller(Optional.empty(), (app, owner) -> true);

    private final Optional<String> app;
    private final Participation participation;

    private Caller(Optional<String> app, Participation participation) {
        this.app = app;
        this.participation = participation;
    }

    public static Caller authenticated(String app, Participation participation) {
        return new Caller(Optional.of(app), participation);
    }

    /** The authenticated application, if the coordinator authenticates its clients. */
    public Optional<String> app() {
        return app;
    }

    /** True if this caller may take part in transactions {@code owner} began. */
    public boolean mayTakePart(String owner) {
        return app.isEmpty() || app.get().equals(owner) || participation.mayJoin(app.get(), owner);
    }

    /** Refuses unless this caller began the transaction (for Commit and Rollback). */
    public void requireOwner(String owner, String xid, String operation) {
        if (app.isPresent() && !app.get().equals(owner)) {
            throw refusal(xid, operation);
        }
    }

    /** Refuses unless this caller began the transaction or may join its owner's transactions. */
    public void requireParticipant(String owner, String xid, String operation) {
        if (!mayTakePart(owner)) {
            throw refusal(xid, operation);
        }
    }

    private Rejection refusal(String xid, String operation) {
        return new Rejection(Rejection.Kind.PERMISSION_DENIED, operation + " " + xid + " refused: the transaction belongs to "
                + "another application, and application '" + app.orElseThrow() + "' may not "
                + (operation.equals("Commit") || operation.equals("Rollback") ? "end it" : "take part in it"));
    }

    @Override
    public String toString() {
        return app.map(a -> "application '" + a + "'").orElse("an unauthenticated client");
    }
}
