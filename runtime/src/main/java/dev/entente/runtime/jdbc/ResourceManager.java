package dev.entente.runtime.jdbc;

import dev.entente.bootstrap.DataSourceDepth;
import dev.entente.bootstrap.Hooks;
import dev.entente.bootstrap.JdbcHook;
import dev.entente.bootstrap.TransactionContext;
import dev.entente.protocol.BranchCommand;
import dev.entente.protocol.BranchReport;
import dev.entente.protocol.BranchVote;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.PhaseTwoAction;
import dev.entente.protocol.client.BranchCommandHandler;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.protocol.client.CoordinatorException;
import dev.entente.protocol.client.WrongDatabaseException;
import dev.entente.runtime.jdbc.xa.BranchXid;
import dev.entente.runtime.tm.CarriedVotes;
import dev.entente.runtime.jdbc.xa.XaDialect;
import dev.entente.runtime.jdbc.xa.XaDialects;
import dev.entente.runtime.jdbc.xa.XaRecovery;
import dev.entente.runtime.jdbc.xa.XaResourceWrapper;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDBC resource manager. A physical connection handed out while a global transaction is bound to
 * the thread becomes an XA branch (XA START, under a branch id of this RM's choosing). In the process
 * that owns the transaction, or in a participant whose response surely carries its votes (see {@link
 * CarriedVotes}), the branch is known to the coordinator only by its vote, which rides the owner's
 * Commit; elsewhere it is registered first, so that the decision waits for its vote. The
 * application's {@code commit()} becomes XA END + XA PREPARE, the branch's vote; its {@code
 * rollback()} becomes XA END + XA ROLLBACK and a failed vote. A branch commits if and only if the
 * commit decision names it. The owner finishes its own prepared branches right after the decision
 * ({@link #finishPrepared}); phase-2 commands from the coordinator run on a separate connection to
 * the same database, except where the database binds the preparing session to its branch ({@link
 * HeldBranches}). A branch whose vote was carried is settled at its deadline if no phase 2 came
 * ({@link BranchDeadlines}).
 */
public final class ResourceManager implements JdbcHook, BranchCommandHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ResourceManager.class);

    private final Supplier<CoordinatorClient> coordinator;
    private final String instanceId;
    private final Consumer<String> newResource;
    private final BranchGuard guard;
    private final XaResourceWrapper xaWrapper;
    private final BranchAdmission admission;
    private final PhaseTwoAcks acks;
    private final BranchDeadlines deadlines;
    private final Map<Connection, XaBranch> branches = new IdentityHashMap<>();
    private final Map<Connection, Connection> physicalOfHandedOut = new IdentityHashMap<>();
    private final Map<String, ResourceAccess> resources = new ConcurrentHashMap<>();
    private final HeldBranches held = new HeldBranches();
    private final BranchIds branchIds = new BranchIds();
    /** Votes that ride the owner's Commit or a response instead of being reported. */
    private final CarriedVotes carried;
    /** Resource names of physical connections, by identity (drivers do not override equals). */
    private final Map<Connection, String> resourceNames = Collections.synchronizedMap(new WeakHashMap<>());
    /** Branches plus handed-out wrappers being tracked; zero lets every hook return at once (the common case). */
    private volatile int tracked;

    /**
     * @param newResource told the name of each database this service reaches for the first time (to
     *                    announce it on the RM session and start recovering it)
     * @param guard       asked before each branch prepares
     * @param xaWrapper   wraps every XA resource this resource manager uses (extensions; usually none)
     * @param admission   refuses work under a transaction on connections that cannot be its branches
     * @param carried     votes that ride the owner's Commit or a response: a branch whose vote surely will
     *                    is not registered
     * @param acks        told of each branch this RM finished itself right after its transaction's decision
     * @param timer       settles prepared branches whose votes rode a response or Commit, at their deadline
     */
    public ResourceManager(Supplier<CoordinatorClient> coordinator, String instanceId, Consumer<String> newResource,
                           BranchGuard guard, XaResourceWrapper xaWrapper, BranchAdmission admission, CarriedVotes carried,
                           PhaseTwoAcks acks, ScheduledExecutorService timer) {
        this.carried = carried;
        this.acks = acks;
        this.deadlines = new BranchDeadlines(timer, this::settleAtDeadline);
        this.coordinator = coordinator;
        this.instanceId = instanceId;
        this.newResource = newResource;
        this.guard = guard;
        this.xaWrapper = xaWrapper;
        this.admission = admission;
    }

    /** The RM instance this process is to the coordinator: its branches' votes name it. */
    public String instanceId() {
        return instanceId;
    }

    // ---- what instrumented JDBC code reports ----

    @Override
    public void connected(Driver driver, String url, Properties info, Connection connection) {
        if (Hooks.isInternal() || connection == null) {
            return;
        }
        // Only learned here: it joins a transaction when handed out or when it creates a statement, on
        // the thread that uses it (a pool opens connections on its own threads, which may carry an XID).
        dialectOf(connection).ifPresent(dialect -> learn(dialect, connection, driver, url, info));
    }

    @Override
    public void handedOut(Connection connection) throws SQLException {
        String xid = TransactionContext.currentXid();
        if (Hooks.isInternal() || xid == null || connection == null) {
            return;
        }
        Connection physical = innermost(connection);
        boolean enlisted;
        try {
            enlisted = enlist(physical, xid);
        } catch (SQLException e) {
            if (activeBranch(physical) != null) {
                throw e; // it is still in another transaction's branch: the pool must not lend it again
            }
            throw closedAllTheSame(physical, connection, e); // not enlisted, and the application never gets it to close
        }
        if (enlisted && physical != connection) {
            synchronized (this) {
                physicalOfHandedOut.put(connection, physical);
                tracked = branches.size() + physicalOfHandedOut.size();
            }
        }
    }

    /**
     * A statement is created on {@code connection}: a physical connection used under a global
     * transaction it is not yet a branch of (it was obtained before the transaction, or its branch of
     * this transaction already prepared) joins it now. A connection held for its prepared branch
     * ({@link HeldBranches}) is first waited for.
     */
    @Override
    public void beforeStatement(Connection connection) throws SQLException {
        if (Hooks.isInternal()) {
            return;
        }
        String xid = TransactionContext.currentXid();
        if (held.count() != 0) {
            held.awaitRelease(connection, xid);
        }
        if (xid == null || DataSourceDepth.isInside()) {
            return; // a pool setting up a connection it has not handed out yet
        }
        XaBranch branch = activeBranch(connection);
        if (branch == null && XaDialects.forConnection(connection).isPresent()) {
            enlist(connection, xid);
        } else if (branch == null) {
            admission.admitUnsupported(connection, xid);
        }
    }

    @Override
    public boolean beforeCommit(Connection connection) throws SQLException {
        if (held.absorbs(connection)) {
            return true; // its work is prepared; phase 2 commits it
        }
        XaBranch branch = activeBranch(connection);
        if (branch == null) {
            return false;
        }
        prepare(branch);
        return true;
    }

    @Override
    public boolean beforeRollback(Connection connection) throws SQLException {
        if (held.absorbs(connection)) {
            return true; // nothing is open on it; its prepared work awaits phase 2
        }
        XaBranch branch = activeBranch(connection);
        if (branch == null) {
            return false;
        }
        rollBack(branch, "the application rolled back its work on " + branch.resource, true);
        return true;
    }

    @Override
    public boolean beforeSetAutoCommit(Connection connection, boolean autoCommit) throws SQLException {
        if (held.absorbAutoCommit(connection, autoCommit)) {
            return true;
        }
        XaBranch branch = activeBranch(connection);
        if (branch == null) {
            return false;
        }
        if (autoCommit && !branch.applicationAutoCommit) {
            prepare(branch); // switching autocommit on commits the work so far (JDBC); the connection is free after
            return false;
        }
        branch.applicationAutoCommit = autoCommit;
        return true; // the branch runs as one transaction whatever the application's mode
    }

    @Override
    public boolean beforeClose(Connection connection) throws SQLException {
        if ((tracked == 0 && held.count() == 0) || Hooks.isInternal()) {
            return false;
        }
        Connection physical;
        synchronized (this) {
            physical = physicalOfHandedOut.remove(connection);
            tracked = branches.size() + physicalOfHandedOut.size();
        }
        // not handed out under the transaction (borrowed before it, joined by a statement): a pool's
        // wrapper all the same, whose close returns the physical connection without closing it
        physical = physical != null ? physical : innermost(connection);
        XaBranch branch = activeBranch(physical);
        if (branch != null) {
            try {
                endOpenBranch(branch, "the connection was closed without commit");
            } catch (SQLException e) {
                throw closedAllTheSame(physical, connection, e);
            }
        }
        return held.deferClose(physical, connection);
    }

    /**
     * Ending the branch of a connection being closed failed: the close still happens (else a pool would
     * never get its connection back), here, before {@code failure} reaches the application.
     */
    private SQLException closedAllTheSame(Connection physical, Connection closing, SQLException failure) {
        if (!held.deferClose(physical, closing)) {
            Hooks.internal(true);
            try {
                closing.close();
            } catch (SQLException e) {
                failure.addSuppressed(e);
            } finally {
                Hooks.internal(false);
            }
        }
        return failure;
    }

    // ---- the end of the work under a transaction in this service ----

    /**
     * The work under {@code xid} in this service is over (its request ended, or its owner is about to
     * commit): branches still open prepare if the application worked in autocommit mode, and roll back
     * if it left uncommitted work.
     */
    public void endOfWork(String xid) {
        for (XaBranch branch : activeBranches(xid)) {
            try {
                endOpenBranch(branch, "the connection still held uncommitted work when the work under " + xid + " ended");
            } catch (SQLException e) {
                LOG.warn("{}: {}", branch, e.getMessage());
            }
        }
    }

    /** The transaction rolls back: open branches of {@code xid} roll back here at once. */
    public void abandon(String xid, String reason) {
        for (XaBranch branch : activeBranches(xid)) {
            try {
                rollBack(branch, reason, false);
            } catch (SQLException e) {
                LOG.warn("{}: {}", branch, e.getMessage());
            }
        }
    }

    /**
     * Phase 2, here, of the prepared branches of this instance among {@code votes}, right after their
     * transaction was decided ({@code commit} or not): on the connection that holds a branch, else on
     * one of its database's own. A branch that fails to finish is left to the coordinator's phase 2
     * (or to recovery). Each branch finished is acknowledged to the coordinator unasked ({@link
     * PhaseTwoAcks}). Returns the votes of the branches finished here.
     */
    public List<BranchReport> finishPrepared(List<BranchReport> votes, boolean commit, String why) {
        List<BranchReport> finished = new ArrayList<>(votes.size());
        for (BranchReport vote : votes) {
            ResourceAccess access = resources.get(vote.getResource());
            if (vote.getVote() != BranchVote.PREPARED || access == null || !vote.getInstanceId().equals(instanceId)) {
                continue;
            }
            BranchXid xid = new BranchXid(vote.getXid(), vote.getBranchId());
            try {
                finish(access, xid, commit);
                acks.finishedHere(vote.getXid(), vote.getBranchId());
                finished.add(vote);
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

    private void endOpenBranch(XaBranch branch, String whyRollback) throws SQLException {
        if (branch.applicationAutoCommit) {
            prepare(branch);
        } else {
            rollBack(branch, whyRollback, true);
        }
    }

    // ---- branches ----

    private boolean enlist(Connection physical, String xid) throws SQLException {
        Optional<XaDialect> dialect = dialectOf(physical);
        if (dialect.isEmpty()) {
            return false;
        }
        synchronized (this) {
            XaBranch existing = branches.get(physical);
            if (existing != null) {
                if (existing.globalXid().equals(xid)) {
                    return true;
                }
                throw new SQLException("this connection is still in " + existing + "; it cannot join " + xid + " too");
            }
        }
        String resource;
        try {
            resource = resourceName(dialect.get(), physical);
        } catch (SQLException e) {
            throw new SQLException("cannot enlist a connection to " + dialect.get().address(physical) + " in global transaction "
                    + xid + ": " + e.getMessage(), e);
        }
        admission.admitServer(dialect.get(), physical, resource, xid);
        long branchId = branchIds.next();
        if (!carried.surelyCarried(xid)) {
            try {
                coordinator.get().registerBranch(xid, branchId, resource, instanceId);
            } catch (CoordinatorException | IllegalStateException e) {
                throw new SQLException("cannot enlist a connection to " + resource + " in global transaction " + xid + ": "
                        + e.getMessage(), e);
            }
        }
        BranchXid branchXid = new BranchXid(xid, branchId);
        XaBranch branch;
        Hooks.internal(true);
        try {
            boolean autoCommit = physical.getAutoCommit();
            XAResource xa = xaWrapper.wrap(resource, dialect.get().xaResource(physical));
            xa.start(branchXid, XAResource.TMNOFLAGS);
            branch = new XaBranch(resource, branchXid, physical, xa, dialect.get().preparedBranchBindsSession(), autoCommit);
        } catch (XAException e) {
            report(xid, branchId, resource, BranchVote.FAILED, "XA START failed: " + XaErrors.describe(e));
            throw new SQLException("XA START of branch " + branchId + " of " + xid + " on " + resource + " failed: "
                    + XaErrors.describe(e), e);
        } finally {
            Hooks.internal(false);
        }
        synchronized (this) {
            branches.put(physical, branch);
            tracked = branches.size() + physicalOfHandedOut.size();
        }
        LOG.debug("enlisted {}", branch);
        return true;
    }

    private void prepare(XaBranch branch) throws SQLException {
        String refusal = guard.refusePrepare(branch.globalXid());
        if (refusal != null) {
            rollBack(branch, refusal, true);
            throw new SQLException(branch + " may not prepare: " + refusal);
        }
        if (!branch.claimEnd()) {
            return;
        }
        forget(branch);
        if (branch.abortedBecause != null) {
            endFailedAndRollBack(branch);
            throw new SQLException("global transaction " + branch.globalXid() + " was rolled back: " + branch.abortedBecause);
        }
        BranchVote vote;
        Hooks.internal(true);
        try {
            branch.xa.end(branch.xid, XAResource.TMSUCCESS);
            vote = branch.xa.prepare(branch.xid) == XAResource.XA_RDONLY ? BranchVote.READ_ONLY : BranchVote.PREPARED;
            if (vote == BranchVote.PREPARED && branch.preparedBindsSession) {
                held.hold(branch); // before the vote is reported: phase 2 may follow at once
            } else {
                restoreApplicationAutoCommit(branch);
            }
        } catch (XAException e) {
            rollBackEnded(branch, true);
            String reason = "XA PREPARE failed: " + XaErrors.describe(e);
            report(branch, BranchVote.FAILED, reason);
            throw new SQLException(branch + " could not prepare: " + XaErrors.describe(e), e);
        } finally {
            Hooks.internal(false);
        }
        if (carried.keep(vote(branch, vote, ""))) {
            if (vote == BranchVote.PREPARED) {
                deadlines.watch(branch.xid, branch.resource); // the coordinator may never hear of it
            }
            return;
        }
        try {
            coordinator.get().reportBranch(vote(branch, vote, ""));
        } catch (CoordinatorException | IllegalStateException e) {
            if (vote == BranchVote.PREPARED && !(e instanceof CoordinatorException c && c.isUnavailable())
                    && settleRefusedVote(branch) == Outcome.COMMITTED) {
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
    private Outcome settleRefusedVote(XaBranch branch) {
        Outcome outcome;
        try {
            outcome = coordinator.get().status(branch.globalXid(), branch.xid.branchId(), true).getOutcome();
        } catch (RuntimeException e) {
            LOG.warn("{}: its vote was refused and the coordinator cannot say how the transaction ended ({}); "
                    + "it stays prepared for phase 2 or recovery to finish", branch, e.getMessage());
            return null;
        }
        if (outcome == Outcome.ROLLED_BACK || outcome == Outcome.UNKNOWN) {
            finishQuietly(branch); // over at the coordinator without it: nothing else would finish this branch
        } else {
            LOG.info("{}: its vote was refused, but the transaction is {}: it stays prepared for phase 2 to finish",
                    branch, outcome);
        }
        return outcome;
    }

    private void rollBack(XaBranch branch, String reason, boolean reportFailure) throws SQLException {
        if (!branch.claimEnd()) {
            return;
        }
        forget(branch);
        endFailedAndRollBack(branch);
        if (reportFailure) {
            report(branch, BranchVote.FAILED, reason);
        }
    }

    /**
     * XA END (fail) and XA ROLLBACK of a branch still at work: MariaDB and MySQL refuse to roll back a
     * branch that has not ended, and would leave its connection inside it.
     */
    private void endFailedAndRollBack(XaBranch branch) {
        Hooks.internal(true);
        try {
            branch.xa.end(branch.xid, XAResource.TMFAIL);
        } catch (XAException e) {
            LOG.debug("XA END (fail) of {}: {}", branch, XaErrors.describe(e));
        } finally {
            Hooks.internal(false);
        }
        rollBackEnded(branch, false);
    }

    /** XA ROLLBACK of an ended (perhaps prepared) branch on its own connection. */
    private void rollBackEnded(XaBranch branch, boolean prepared) {
        Hooks.internal(true);
        try {
            branch.xa.rollback(branch.xid);
            restoreApplicationAutoCommit(branch);
        } catch (XAException e) {
            if (!XaErrors.alreadyFinished(e)) {
                LOG.warn("XA ROLLBACK of {}{} failed: {}; recovery will settle it", branch, prepared ? " (prepared)" : "",
                        XaErrors.describe(e));
            }
        } finally {
            Hooks.internal(false);
        }
    }

    private static void restoreApplicationAutoCommit(XaBranch branch) {
        try {
            branch.restoreApplicationAutoCommit();
        } catch (SQLException e) {
            LOG.debug("could not restore the autocommit mode of the connection of {}: {}", branch, e.getMessage());
        }
    }

    /** Rolls back a prepared branch that no phase 2 will come for, on its held connection if it has one. */
    private void finishQuietly(XaBranch branch) {
        deadlines.finished(branch.xid);
        try {
            if (held.finish(branch.xid, false)) {
                return;
            }
        } catch (XAException e) {
            LOG.debug("XA ROLLBACK of held {}: {}", branch, XaErrors.describe(e));
        }
        rollBackEnded(branch, true);
    }

    /**
     * A branch's vote, naming its resource and instance: a branch the coordinator has not heard of (the
     * owner's own branches are not registered) becomes known by it.
     */
    private BranchReport vote(XaBranch branch, BranchVote vote, String reason) {
        return BranchReport.newBuilder().setXid(branch.globalXid()).setBranchId(branch.xid.branchId()).setVote(vote)
                .setReason(reason).setResource(branch.resource).setInstanceId(instanceId).build();
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

    private void report(XaBranch branch, BranchVote vote, String reason) {
        report(branch.globalXid(), branch.xid.branchId(), branch.resource, vote, reason);
    }

    private void report(String xid, long branchId, String resource, BranchVote vote, String reason) {
        try {
            coordinator.get().reportBranch(BranchReport.newBuilder().setXid(xid).setBranchId(branchId).setVote(vote)
                    .setReason(reason).setResource(resource).setInstanceId(instanceId).build());
        } catch (RuntimeException e) {
            LOG.warn("could not report branch {} of {} as {} ({}): {}", branchId, xid, vote, reason, e.getMessage());
        }
    }

    private XaBranch activeBranch(Connection connection) {
        if (tracked == 0 || Hooks.isInternal() || connection == null) {
            return null;
        }
        synchronized (this) {
            return branches.get(connection);
        }
    }

    private synchronized List<XaBranch> activeBranches(String xid) {
        List<XaBranch> matching = new ArrayList<>();
        for (XaBranch branch : branches.values()) {
            if (branch.globalXid().equals(xid)) {
                matching.add(branch);
            }
        }
        return matching;
    }

    private synchronized Optional<XaBranch> activeBranch(String xid, long branchId) {
        return branches.values().stream()
                .filter(b -> b.globalXid().equals(xid) && b.xid.branchId() == branchId).findFirst();
    }

    private synchronized void forget(XaBranch branch) {
        branches.remove(branch.connection);
        tracked = branches.size() + physicalOfHandedOut.size();
    }

    // ---- phase 2 and recovery on this service's own connections ----

    @Override
    public void execute(BranchCommand command) throws Exception {
        Optional<XaBranch> stillActive = activeBranch(command.getXid(), command.getBranchId());
        if (stillActive.isPresent()) {
            if (command.getAction() == PhaseTwoAction.ROLLBACK) {
                stillActive.get().abortedBecause = "the coordinator rolled it back while it was still at work";
            }
            throw new IllegalStateException(stillActive.get() + " is still at work in this service; it ends first");
        }
        ResourceAccess access = resources.get(command.getResource());
        if (access == null) {
            throw new IllegalStateException("this instance has not reached " + command.getResource() + " yet");
        }
        finish(access, new BranchXid(command.getXid(), command.getBranchId()), command.getAction() == PhaseTwoAction.COMMIT);
        guard.phaseTwoCommandDone(command.getXid());
    }

    /**
     * XA COMMIT or XA ROLLBACK of a prepared branch: on the connection that holds it if this service
     * holds it, else on {@code access}'s own connection. A branch already finished counts as done, when
     * its own database says so ({@link #finishedThere}).
     */
    void finish(ResourceAccess access, BranchXid xid, boolean commit) throws Exception {
        finishOn(access, xid, commit);
        deadlines.finished(xid);
    }

    /**
     * A prepared branch whose phase 2 did not come by its transaction's deadline: finished as the
     * coordinator answers for it (it writes an abort first if no decision names it). The outcome acted
     * on, or null if none could be.
     */
    private Outcome settleAtDeadline(BranchXid xid, String resource) {
        ResourceAccess access = resources.get(resource);
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
    private boolean finishedThere(ResourceAccess access, XAResource xa, Connection connection, BranchXid xid, String what)
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
    private boolean stillPreparedElsewhere(ResourceAccess access, XAResource xa, BranchXid xid) throws XAException {
        return access.dialect.preparedBranchBindsSession()
                && XaRecovery.recover(xa, xid.clusterId()).contains(xid);
    }

    /** The databases this service reached, for recovery. */
    Collection<ResourceAccess> resources() {
        return resources.values();
    }

    boolean isActive(BranchXid xid) {
        return activeBranch(xid.globalXid(), xid.branchId()).isPresent();
    }

    private void learn(XaDialect dialect, Connection connection, Driver driver, String url, Properties info) {
        try {
            String resource = resourceName(dialect, connection);
            if (resources.putIfAbsent(resource, new ResourceAccess(resource, dialect, xaWrapper, driver, url, copy(info))) == null) {
                LOG.info("XA resource {} reached at {}", resource, dialect.address(connection));
                newResource.accept(resource);
            }
        } catch (SQLException e) {
            LOG.warn("cannot name the database of a {} connection to {}: {}", connection.getClass().getName(),
                    dialect.address(connection), e.getMessage());
        }
    }

    /**
     * The connection's resource name, asked of the database once per physical connection (one query),
     * never cached by URL: after a failover the same URL reaches another server, whose branches must
     * carry its own name.
     */
    private String resourceName(XaDialect dialect, Connection physical) throws SQLException {
        String known = resourceNames.get(physical);
        if (known != null) {
            return known;
        }
        boolean wasInternal = Hooks.isInternal();
        Hooks.internal(true);
        try {
            String name = dialect.resourceName(physical);
            resourceNames.put(physical, name);
            return name;
        } finally {
            Hooks.internal(wasInternal);
        }
    }

    /**
     * The XA dialect of {@code connection}'s driver, if it has one. An application that never uses a
     * driver without one inside a global transaction hears nothing of it: {@link BranchAdmission} says
     * why at the first such use, when it fails the transaction.
     */
    private static Optional<XaDialect> dialectOf(Connection connection) {
        return XaDialects.forConnection(connection);
    }

    /** The physical connection under pool and framework wrappers. */
    static Connection innermost(Connection connection) {
        Connection current = connection;
        for (int depth = 0; depth < 10; depth++) {
            try {
                Connection inner = current.unwrap(Connection.class);
                if (inner == null || inner == current) {
                    return current;
                }
                current = inner;
            } catch (SQLException | RuntimeException e) {
                return current;
            }
        }
        return current;
    }

    private static Properties copy(Properties info) {
        Properties copy = new Properties();
        if (info != null) {
            copy.putAll(info);
        }
        return copy;
    }

    public void close() {
        resources.values().forEach(ResourceAccess::close);
    }
}
