package dev.entente.runtime.jdbc;

import dev.entente.protocol.BranchReport;
import dev.entente.protocol.BranchVote;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.protocol.client.CoordinatorException;
import dev.entente.runtime.tm.CarriedVotes;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the coordinator hears of this RM's branches. A branch whose vote will surely ride a carrier
 * (the owner's Commit, a response: {@link CarriedVotes}) is known only by that vote; any other is
 * registered before its work, so that the decision waits for its vote, which is then reported. A
 * prepared branch whose reported vote the coordinator refused is settled by asking how its transaction
 * ended. A branch that fails votes FAILED at once.
 */
public final class BranchVotes {

    private static final Logger LOG = LoggerFactory.getLogger(BranchVotes.class);

    private final Supplier<CoordinatorClient> coordinator;
    private final String instanceId;
    private final CarriedVotes carried;
    private final PhaseTwo phaseTwo;

    BranchVotes(Supplier<CoordinatorClient> coordinator, String instanceId, CarriedVotes carried, PhaseTwo phaseTwo) {
        this.coordinator = coordinator;
        this.instanceId = instanceId;
        this.carried = carried;
        this.phaseTwo = phaseTwo;
    }

    /** The RM instance this process is to the coordinator: its branches' votes name it. */
    public String instanceId() {
        return instanceId;
    }

    /** Branch {@code branchId} of {@code xid} on {@code resource} is about to start: registered unless its vote will surely be carried. */
    void enlisting(String xid, long branchId, String resource) throws SQLException {
        if (carried.surelyCarried(xid)) {
            return;
        }
        try {
            coordinator.get().registerBranch(xid, branchId, resource, instanceId);
        } catch (CoordinatorException | IllegalStateException e) {
            throw new SQLException("cannot enlist a connection to " + resource + " in global transaction " + xid + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * {@code branch} prepared and votes {@code vote} ({@code PREPARED} or {@code READ_ONLY}): the vote
     * waits for its carrier if one is open, else it is reported. Throws if the coordinator did not take
     * it, unless the branch turns out to be committed all the same ({@link #settleRefused}).
     */
    void prepared(XaBranch branch, BranchVote vote) throws SQLException {
        BranchReport report = vote(branch, vote);
        if (carried.keep(report)) {
            if (vote == BranchVote.PREPARED) {
                phaseTwo.watchDeadline(branch); // the coordinator may never hear of it
            }
            return;
        }
        try {
            coordinator.get().reportBranch(report);
        } catch (CoordinatorException | IllegalStateException e) {
            if (vote == BranchVote.PREPARED && !(e instanceof CoordinatorException c && c.isUnavailable())
                    && settleRefused(branch) == Outcome.COMMITTED) {
                return;
            }
            throw new SQLException("the coordinator did not take the vote of " + branch + ": " + e.getMessage(), e);
        }
    }

    /**
     * A prepared branch whose vote the coordinator refused, as it does once the transaction is decided:
     * an earlier attempt of this report may have reached it (its reply lost) and been counted in a
     * commit. So the branch is rolled back only if the decision does not commit it (a commit decision
     * that does not name it is a rollback for it); if it commits, or the transaction is still being
     * decided, or the coordinator cannot say, the branch stays prepared for phase 2 (or the recovery
     * scan) to finish as decided. Returns the outcome the coordinator gave for the branch, or null.
     */
    private Outcome settleRefused(XaBranch branch) {
        Outcome outcome;
        try {
            outcome = coordinator.get().status(branch.globalXid(), branch.xid.branchId(), true).getOutcome();
        } catch (RuntimeException e) {
            LOG.warn("{}: its vote was refused and the coordinator cannot say how the transaction ended ({}); "
                    + "it stays prepared for phase 2 or recovery to finish", branch, e.getMessage());
            return null;
        }
        if (outcome == Outcome.ROLLED_BACK || outcome == Outcome.UNKNOWN) {
            phaseTwo.rollBackLeftOut(branch); // over at the coordinator without it: nothing else would finish this branch
        } else {
            LOG.info("{}: its vote was refused, but the transaction is {}: it stays prepared for phase 2 to finish",
                    branch, outcome);
        }
        return outcome;
    }

    /** {@code branch} rolled back: its FAILED vote is reported at once, never carried. */
    void failed(XaBranch branch, String reason) {
        failed(branch.globalXid(), branch.xid.branchId(), branch.resource, reason);
    }

    /** Branch {@code branchId} of {@code xid} on {@code resource} failed before it started. */
    void failed(String xid, long branchId, String resource, String reason) {
        try {
            coordinator.get().reportBranch(BranchReport.newBuilder().setXid(xid).setBranchId(branchId).setVote(BranchVote.FAILED)
                    .setReason(reason).setResource(resource).setInstanceId(instanceId).build());
        } catch (RuntimeException e) {
            LOG.warn("could not report branch {} of {} as {} ({}): {}", branchId, xid, BranchVote.FAILED, reason, e.getMessage());
        }
    }

    /** Reports {@code votes} to the coordinator one by one: no carrier takes them. */
    public void report(List<BranchReport> votes) {
        for (BranchReport vote : votes) {
            try {
                coordinator.get().reportBranch(vote);
            } catch (RuntimeException e) {
                LOG.warn("could not report the vote of branch {} of {} on {} ({}): it rolls back unless a decision names it",
                        vote.getBranchId(), vote.getXid(), vote.getResource(), e.getMessage());
            }
        }
    }

    /**
     * A branch's vote, naming its resource and instance: a branch the coordinator has not heard of (the
     * owner's own branches are not registered) becomes known by it.
     */
    private BranchReport vote(XaBranch branch, BranchVote vote) {
        return BranchReport.newBuilder().setXid(branch.globalXid()).setBranchId(branch.xid.branchId()).setVote(vote)
                .setReason("").setResource(branch.resource).setInstanceId(instanceId).build();
    }
}
