package dev.entente.coordinator.testing;

import dev.entente.protocol.BranchVote;
import dev.entente.protocol.EndRequest;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.client.CoordinatorClient;
import java.util.concurrent.TimeUnit;

/**
 * Transactions left where an operator has to step in, made over the real protocol: a TM that prepared
 * its branches and went silent, or a commit whose branch no live RM serves.
 */
public final class StuckTransactions {

    private static final long LONG_TIMEOUT_MILLIS = TimeUnit.MINUTES.toMillis(30);

    private final CoordinatorClient client;

    public StuckTransactions(CoordinatorClient client) {
        this.client = client;
    }

    /**
     * Begun with a long timeout; one branch per resource, each prepared; the TM never ends it (so the
     * coordinator never learns its name, which only the Commit carries).
     */
    public String undecided(String name, String app, String instanceId, String... preparedResources) {
        String xid = TestTransactions.begin(client, app, LONG_TIMEOUT_MILLIS);
        long branch = 0;
        for (String resource : preparedResources) {
            client.registerBranch(xid, ++branch, resource, instanceId);
            client.reportBranch(xid, branch, BranchVote.PREPARED, "");
        }
        return xid;
    }

    /** Begun, a branch on {@code resource} registered that never votes. */
    public String undecidedUnprepared(String name, String app, String resource) {
        String xid = TestTransactions.begin(client, app, LONG_TIMEOUT_MILLIS);
        client.registerBranch(xid, 1, resource, "instance-that-never-prepares");
        return xid;
    }

    /** Committed, with a prepared branch on {@code resource}: in doubt until an RM serving it connects. */
    public String committedInDoubt(String name, String app, String resource) {
        String xid = undecided(name, app, "instance-gone", resource);
        Outcome outcome = client.commit(EndRequest.newBuilder().setXid(xid).setName(name).build()).getOutcome();
        if (outcome != Outcome.COMMITTED) {
            throw new IllegalStateException(xid + " was meant to commit, got " + outcome);
        }
        return xid;
    }
}
