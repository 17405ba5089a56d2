package dev.entente.runtime.jdbc;

import dev.entente.bootstrap.DataSourceDepth;
import dev.entente.bootstrap.Hooks;
import dev.entente.bootstrap.JdbcHook;
import dev.entente.bootstrap.TransactionContext;
import dev.entente.protocol.BranchVote;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.runtime.jdbc.xa.BranchXid;
import dev.entente.runtime.jdbc.xa.XaDialect;
import dev.entente.runtime.jdbc.xa.XaDialects;
import dev.entente.runtime.jdbc.xa.XaResourceWrapper;
import dev.entente.runtime.tm.CarriedVotes;
import dev.entente.runtime.tm.Completion;
import dev.entente.runtime.metrics.Distribution;
import dev.entente.runtime.metrics.MeterDefinition;
import dev.entente.runtime.tm.Participant;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.transaction.xa.XAException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDBC resource manager. A physical connection handed out while a global transaction is bound to
 * the thread becomes an XA branch (XA START, under a branch id of this RM's choosing). In the process
 * that owns the transaction, or in a participant whose response surely carries its votes (see {@link
 * CarriedVotes}), the branch is known to the coordinator only by its vote, which rides the owner's
 * Commit; elsewhere it is registered first, so that the decision waits for its vote ({@link
 * BranchVotes}). The application's {@code commit()} becomes XA END + XA PREPARE, the branch's vote;
 * its {@code rollback()} becomes XA END + XA ROLLBACK and a failed vote. A branch commits if and only
 * if the commit decision names it. The owner finishes its own prepared branches right after the
 * decision; phase-2 commands from the coordinator run on a separate connection to the same database,
 * except where the database binds the preparing session to its branch ({@link HeldBranches}); a
 * branch whose vote was carried is settled at its deadline if no phase 2 came ({@link PhaseTwo}).
 *
 * <p>This class turns what instrumented JDBC code reports into the branches' steps; the branches at
 * work are in {@link BranchRegistry}, each {@link XaBranch} runs its own XA calls, and the databases
 * reached are in {@link ReachedResources}.
 */
public final class ResourceManager implements JdbcHook, Participant {

    /** How long each branch's XA END and XA PREPARE took ({@link #meters}). */
    private final Distribution prepareTimes = new Distribution();

    private static final Logger LOG = LoggerFactory.getLogger(ResourceManager.class);

    private final BranchGuard guard;
    private final XaResourceWrapper xaWrapper;
    private final BranchAdmission admission;
    private final BranchRegistry branches = new BranchRegistry();
    private final HeldBranches held = new HeldBranches();
    private final BranchIds branchIds = new BranchIds();
    private final ReachedResources resources;
    private final PhaseTwo phaseTwo;
    private final BranchVotes votes;

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
     * @param finished    told of each branch whose phase 2 ended here, and how
     */
    public ResourceManager(Supplier<CoordinatorClient> coordinator, String instanceId, Consumer<String> newResource,
                           BranchGuard guard, XaResourceWrapper xaWrapper, BranchAdmission admission, CarriedVotes carried,
                           PhaseTwoAcks acks, ScheduledExecutorService timer, FinishedBranches finished) {
        this.guard = guard;
        this.xaWrapper = xaWrapper;
        this.admission = admission;
        this.resources = new ReachedResources(xaWrapper, newResource);
        this.phaseTwo = new PhaseTwo(coordinator, instanceId, resources, branches, held, guard, acks, timer, finished);
        this.votes = new BranchVotes(coordinator, instanceId, carried, phaseTwo);
    }

    /** Phase 2 of this service's prepared branches; the coordinator's commands go to it. */
    /** The resource manager's meters: how long its branches took to prepare. */
    public List<MeterDefinition> meters() {
        return List.of(MeterDefinition.timer("entente.rm.branch.prepare", "XA END and XA PREPARE of one branch of this process",
                prepareTimes));
    }

    public PhaseTwo phaseTwo() {
        return phaseTwo;
    }

    /** What the coordinator hears of this service's branches. */
    public BranchVotes votes() {
        return votes;
    }

    // ---- what instrumented JDBC code reports ----

    @Override
    public void connected(Driver driver, String url, Properties info, Connection connection) {
        if (Hooks.isInternal() || connection == null) {
            return;
        }
        // Only learned here: it joins a transaction when handed out or when it creates a statement, on
        // the thread that uses it (a pool opens connections on its own threads, which may carry an XID).
        dialectOf(connection).ifPresent(dialect -> resources.learn(dialect, connection,
                new ConnectionRecipe.ThroughDriver(driver, url, info)));
    }

    @Override
    public void connectedFrom(Class<?> factory, Object configuration, Connection connection) {
        if (Hooks.isInternal() || connection == null || configuration == null) {
            return;
        }
        Optional<XaDialect> dialect = dialectOf(connection);
        if (dialect.isEmpty()) {
            return;
        }
        ConnectionRecipe recipe;
        try {
            recipe = ConnectionRecipe.ThroughFactory.of(factory, configuration);
        } catch (NoSuchMethodException e) {
            LOG.warn("{}: Entente cannot open connections the way this one was opened ({})", dialect.get().address(connection),
                    e.getMessage());
            return;
        }
        resources.learn(dialect.get(), connection, recipe);
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
        if (enlisted) {
            branches.handedOut(connection, physical);
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
        if ((branches.isEmpty() && held.count() == 0) || Hooks.isInternal()) {
            return false;
        }
        Connection physical = branches.closing(connection);
        if (physical == null) {
            physical = innermost(connection);
            if (physical != connection && branches.isHandedOut(physical)) {
                // a framework's own wrapper over a connection the application still holds (jOOQ wraps it
                // anew for each statement, Spring's TransactionAwareDataSourceProxy for each use): its
                // close ends nothing, and the connection's branch goes on
                return false;
            }
            // not handed out under the transaction (borrowed before it, joined by a statement): a pool's
            // wrapper all the same, whose close returns the physical connection without closing it
        }
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
        for (XaBranch branch : branches.branchesOf(xid)) {
            try {
                endOpenBranch(branch, "the connection still held uncommitted work when the work under " + xid + " ended");
            } catch (SQLException e) {
                LOG.warn("{}: {}", branch, e.getMessage());
            }
        }
    }

    /** The transaction rolls back: open branches of {@code xid} roll back here at once. */
    public void abandon(String xid, String reason) {
        for (XaBranch branch : branches.branchesOf(xid)) {
            try {
                rollBack(branch, reason, false);
            } catch (SQLException e) {
                LOG.warn("{}: {}", branch, e.getMessage());
            }
        }
    }

    // ---- a participant of the transactions this process owns ----

    /** Its owner ends the transaction: its open branches here end for its Commit, or roll back with it. */
    @Override
    public void beforeCompletion(Completion completion) {
        if (completion.commits()) {
            endOfWork(completion.xid());
        } else {
            abandon(completion.xid(), completion.rollbackReason());
        }
    }

    /** Phase 2 by the owner's RM: its own prepared branches among the votes are finished right after the decision. */
    @Override
    public void decided(Completion completion) {
        if (completion.finishesHere()) {
            completion.finishedHere(phaseTwo.finishPrepared(completion.votes(), completion.committed(), completion.reason()));
        }
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
        XaBranch existing = branches.branchOf(physical);
        if (existing != null) {
            if (existing.globalXid().equals(xid)) {
                return true;
            }
            throw new SQLException("this connection is still in " + existing + "; it cannot join " + xid + " too");
        }
        String resource;
        try {
            resource = resources.nameOf(dialect.get(), physical);
        } catch (SQLException e) {
            throw new SQLException("cannot enlist a connection to " + dialect.get().address(physical) + " in global transaction "
                    + xid + ": " + e.getMessage(), e);
        }
        admission.admitServer(dialect.get(), physical, resource, xid);
        long branchId = branchIds.next();
        votes.enlisting(xid, branchId, resource);
        XaBranch branch;
        try {
            branch = XaBranch.start(resource, new BranchXid(xid, branchId), physical, dialect.get(), xaWrapper);
        } catch (XAException e) {
            votes.failed(xid, branchId, resource, "XA START failed: " + XaErrors.describe(e));
            throw new SQLException("XA START of branch " + branchId + " of " + xid + " on " + resource + " failed: "
                    + XaErrors.describe(e), e);
        }
        branches.add(branch);
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
        branches.forget(branch);
        if (branch.abortedBecause != null) {
            branch.rollBack();
            throw new SQLException("global transaction " + branch.globalXid() + " was rolled back: " + branch.abortedBecause);
        }
        BranchVote vote;
        long preparing = System.nanoTime();
        try {
            vote = branch.prepare();
            prepareTimes.recordSince(preparing);
        } catch (XAException e) {
            votes.failed(branch, "XA PREPARE failed: " + XaErrors.describe(e));
            throw new SQLException(branch + " could not prepare: " + XaErrors.describe(e), e);
        }
        if (branch.holdsConnection(vote)) {
            held.hold(branch); // before the vote is cast: phase 2 may follow at once
        }
        votes.prepared(branch, vote);
    }

    private void rollBack(XaBranch branch, String reason, boolean reportFailure) throws SQLException {
        if (!branch.claimEnd()) {
            return;
        }
        branches.forget(branch);
        branch.rollBack();
        if (reportFailure) {
            votes.failed(branch, reason);
        }
    }

    private XaBranch activeBranch(Connection connection) {
        if (branches.isEmpty() || Hooks.isInternal() || connection == null) {
            return null;
        }
        return branches.branchOf(connection);
    }

    // ---- for recovery ----

    /** The databases this service reached. */
    Collection<ResourceAccess> resources() {
        return resources.all();
    }

    /** Whether branch {@code xid} is still at work here (not prepared yet: recovery must leave it alone). */
    boolean isActive(BranchXid xid) {
        return branches.isAtWork(xid);
    }

    /**
     * The XA dialect of {@code connection}'s driver, if it has one. An application that never uses a
     * driver without one inside a global transaction hears nothing of it: {@link BranchAdmission} says
     * why at the first such use, when it fails the transaction.
     */
    private static Optional<XaDialect> dialectOf(Connection connection) {
        return XaDialects.forConnection(connection);
    }

    /**
     * The physical connection under pool and framework wrappers. Most wrappers give it for {@code
     * unwrap(Connection.class)}; some answer that with themselves (Commons DBCP2), and give it only for the
     * driver's own type ({@link XaDialects#unwrapToDriver}).
     */
    static Connection innermost(Connection connection) {
        Connection current = connection;
        for (int depth = 0; depth < 10; depth++) {
            try {
                Connection inner = current.unwrap(Connection.class);
                if (inner == null || inner == current) {
                    break;
                }
                current = inner;
            } catch (SQLException | RuntimeException e) {
                break;
            }
        }
        return XaDialects.forConnection(current).isPresent() ? current : XaDialects.unwrapToDriver(current).orElse(current);
    }

    public void close() {
        resources.close();
    }
}
