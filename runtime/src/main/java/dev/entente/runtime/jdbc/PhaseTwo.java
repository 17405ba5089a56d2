package dev.entente.runtime.jdbc;

import dev.entente.protocol.BranchCommand;
import dev.entente.protocol.BranchReport;
import dev.entente.protocol.BranchVote;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.PhaseTwoAction;
import dev.entente.protocol.client.BranchCommandHandler;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.protocol.client.WrongDatabaseException;
import dev.entente.runtime.jdbc.xa.BranchXid;
import dev.entente.runtime.jdbc.xa.XaRecovery;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Phase 2 of this service's prepared branches: XA COMMIT or XA ROLLBACK on the connection that holds
 * a branch where the database binds it to its preparing session ({@link HeldBranches}), else on one of
 * the database's own connections ({@link ResourceAccess}). It comes four ways: the owner's RM finishes
 * its own branches right after the decision ({@link #finishPrepared}); the coordinator sends a command
 * ({@link #execute}); a branch whose vote was carried and that no phase 2 reached is settled at its
 * transaction's deadline ({@link BranchDeadlines}); the recovery scan finds it ({@link Recovery}).
 */
public final class PhaseTwo implements BranchCommandHandler {

    private static final Logger LOG = LoggerFactory.getLogger(PhaseTwo.class);

    private final Supplier<CoordinatorClient> coordinator;
    private final String instanceId;
    private final ReachedResources resources;
    private final BranchRegistry branches;
    private final HeldBranches held;
    private final BranchGuard guard;
    private final PhaseTwoAcks acks;
    private final BranchDeadlines deadlines;
    private final FinishedBranches finished;

    /**
     * @param guard told when a command finished a branch (what the transaction holds may soon be given back)
     * @param acks  told of each branch this RM finished itself right after its transaction's decision
     * @param timer settles prepared branches whose votes rode a response or Commit, at their deadline
     * @param finished told of each branch whose phase 2 ended here, and how
     */
    PhaseTwo(Supplier<CoordinatorClient> coordinator, String instanceId, ReachedResources resources, BranchRegistry branches,
             HeldBranches held, BranchGuard guard, PhaseTwoAcks acks, ScheduledExecutorService timer, FinishedBranches finished) {
        this.coordinator = coordinator;
        this.instanceId = instanceId;
        this.resources = resources;
        this.branches = branches;
        this.held = held;
        this.guard = guard;
        this.acks = acks;
        this.deadlines = new BranchDeadlines(timer, this::settleAtDeadline);
        this.finished = finished;
    }

    /**
     * Phase 2, here, of the prepared branches of this instance among {@code votes}, right after their
     * transaction was decided ({@code commit} or not): on the connection that holds a branch, else on
     * one of its database's own. A branch that fails to finish is left to the coordinator's phase 2
     * (or to recovery). Each branch finished is acknowledged to the coordinator unasked ({@link
     * PhaseTwoAcks}). Returns how many branches were finished here.
     */
    public int finishPrepared(List<BranchReport> votes, boolean commit, String why) {
        int finished = 0;
        for (BranchReport vote : votes) {
            ResourceAccess access = resources.access(vote.getResource());
            if (vote.getVote() != BranchVote.PREPARED || access == null || !vote.getInstanceId().equals(instanceId)) {
                continue;
            }
            BranchXid xid = new BranchXid(vote.getXid(), vote.getBranchId());
            try {
                finish(access, xid, commit);
                acks.finishedHere(vote.getXid(), vote.getBranchId());
                finished++;
                LOG.debug("{} prepared branch {} on {}{}", commit ? "committed" : "rolled back", xid, vote.getResource(),
                        why.isEmpty() ? "" : ": " + why);
            } catch (Exception e) {
                LOG.info("{} of prepared branch {} on {}{} failed: {}; the coordinator's phase 2 or recovery finishes it",
                        commit ? "XA COMMIT" : "XA ROLLBACK", xid, vote.getResource(), why.isEmpty() ? "" : " (" + why + ")",
                        e.getMessage());
            }
        }
        return finished;
    }

    @Override
    public void execute(BranchCommand command) throws Exception {
        Optional<XaBranch> stillActive = branches.branch(command.getXid(), command.getBranchId());
        if (stillActive.isPresent()) {
            if (command.getAction() == PhaseTwoAction.ROLLBACK) {
                stillActive.get().abortedBecause = "the coordinator rolled it back while it was still at work";
            }
            throw new IllegalStateException(stillActive.get() + " is still at work in this service; it ends first");
        }
        ResourceAccess access = resources.access(command.getResource());
        if (access == null) {
            throw new IllegalStateException("this instance has not reached " + command.getResource() + " yet");
        }
        finish(access, new BranchXid(command.getXid(), command.getBranchId()), command.getAction() == PhaseTwoAction.COMMIT);
        guard.phaseTwoCommandDone(command.getXid());
    }

    /**
     * {@code branch} prepared here and its vote rides a response or a Commit, so the coordinator may
     * never hear of it: it is settled at its transaction's deadline unless phase 2 comes before.
     */
    void watchDeadline(XaBranch branch) {
        deadlines.watch(branch.xid, branch.resource);
    }

    /** Rolls back a prepared branch that no phase 2 will come for, on its held connection if it has one. */
    void rollBackLeftOut(XaBranch branch) {
        deadlines.finished(branch.xid);
        try {
            if (!held.finish(branch.xid, false)) {
                branch.rollBackEnded(true);
            }
        } catch (XAException e) {
            LOG.debug("XA ROLLBACK of held {}: {}", branch, XaErrors.describe(e));
            branch.rollBackEnded(true);
        }
        finished.finished(branch.globalXid(), false);
    }

    /**
     * XA COMMIT or XA ROLLBACK of a prepared branch: on the connection that holds it if this service
     * holds it, else on {@code access}'s own connection. A branch already finished counts as done, when
     * its own database says so ({@link #finishedThere}).
     */
    void finish(ResourceAccess access, BranchXid xid, boolean commit) throws Exception {
        finishOn(access, xid, commit);
        deadlines.finished(xid);
        finished.finished(xid.globalXid(), commit);
    }

    /**
     * A prepared branch whose phase 2 did not come by its transaction's deadline: finished as the
     * coordinator answers for it (it writes an abort first if no decision names it). The outcome acted
     * on, or null if none could be.
     */
    private Outcome settleAtDeadline(BranchXid xid, String resource) {
        ResourceAccess access = resources.access(resource);
        Outcome outcome;
        try {
            outcome = coordinator.get().status(xid.globalXid(), xid.branchId(), true).getOutcome();
        } catch (RuntimeException e) {
            LOG.warn("branch {} of {} on {} is past its transaction's deadline and the coordinator cannot say how it ended "
                    + "({}): it stays prepared", xid.branchId(), xid.globalXid(), resource, e.getMessage());
            return null;
        }
        if (outcome == Outcome.ACTIVE || access == null) {
            return outcome;
        }
        try {
            finish(access, xid, outcome == Outcome.COMMITTED);
            LOG.info("branch {} of {} on {} had no phase 2 by its transaction's deadline: {} as the coordinator answers ({})",
                    xid.branchId(), xid.globalXid(), resource, outcome == Outcome.COMMITTED ? "committed" : "rolled back", outcome);
            return outcome;
        } catch (Exception e) {
            LOG.warn("branch {} of {} on {}: finishing it at its deadline failed: {}", xid.branchId(), xid.globalXid(), resource,
                    e.getMessage());
            return null;
        }
    }

    private void finishOn(ResourceAccess access, BranchXid xid, boolean commit) throws Exception {
        try {
            if (held.finish(xid, commit)) {
                return;
            }
        } catch (XAException e) {
            LOG.info("{} of held branch {} of {} failed ({}); finishing it from another connection",
                    commit ? "XA COMMIT" : "XA ROLLBACK", xid.branchId(), xid.globalXid(), XaErrors.describe(e));
        }
        String what = (commit ? "XA COMMIT" : "XA ROLLBACK") + " of branch " + xid.branchId() + " of " + xid.globalXid()
                + " on " + access.resource;
        access.withConnection((xa, connection) -> {
            try {
                if (commit) {
                    xa.commit(xid, false);
                } else {
                    xa.rollback(xid);
                }
            } catch (XAException e) {
                if (!XaErrors.alreadyFinished(e) || !finishedThere(access, xa, connection, xid, what)) {
                    throw new SQLException(what + " failed: " + XaErrors.describe(e), e);
                }
            }
            return null;
        });
    }

    /**
     * XAER_NOTA, "unknown Xid", means the branch is finished only if it comes from the branch's own
     * database: the address this service connects to may lead to another server now (a failover, a
     * URL that names another machine's database), which knows nothing of the branch. So the name of
     * the database reached is read again on that very connection; another one's answer leaves the
     * branch in doubt ({@link WrongDatabaseException}) until the right database answers.
     */
    private static boolean finishedThere(ResourceAccess access, XAResource xa, Connection connection, BranchXid xid, String what)
            throws Exception {
        String reached = access.dialect.resourceName(connection);
        if (!reached.equals(access.resource)) {
            throw new WrongDatabaseException(what + ": the database reached at " + access.dialect.address(connection) + " is "
                    + reached + ", not " + access.resource + " where the branch prepared; its XAER_NOTA (unknown Xid) says "
                    + "nothing of the branch, which stays in doubt until " + access.resource + " answers");
        }
        return !stillPreparedElsewhere(access, xa, xid);
    }

    /**
     * Where the database binds a prepared branch to its preparing session, "unknown Xid" from another
     * session may only mean that session (of another instance of this service) is still alive and
     * holds it: the branch is finished only if XA RECOVER no longer lists it.
     */
    private static boolean stillPreparedElsewhere(ResourceAccess access, XAResource xa, BranchXid xid) throws XAException {
        return access.dialect.preparedBranchBindsSession()
                && XaRecovery.recover(xa, xid.clusterId()).contains(xid);
    }
}
