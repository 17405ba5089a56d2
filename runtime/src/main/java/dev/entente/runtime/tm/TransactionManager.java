package dev.entente.runtime.tm;

import dev.entente.bootstrap.TransactionContext;
import dev.entente.protocol.BranchReport;
import dev.entente.protocol.EndRequest;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.OutcomeReply;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.protocol.client.CoordinatorException;
import dev.entente.protocol.client.XidMint;
import dev.entente.runtime.metrics.MeterDefinition;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction manager client: begins global transactions (minting their XIDs here), applies the
 * propagation rules, and at the end of the outermost method asks the coordinator to commit, or rolls
 * back. It talks to what takes part in its transactions here (the JDBC branches, the {@code @Publish}
 * messages, the {@code @Locked} locks) only through {@link Participant}: before the Commit their
 * work ends and they add what it carries; once the decision is known, this process's own prepared
 * branches are finished here (phase 2 by the owner's RM), not by a command from the coordinator; then
 * what was held until the transaction finished is given back.
 */
public final class TransactionManager {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionManager.class);
    /** Tries of the call that marks a joined transaction for rollback when interrupts keep cutting it. */
    private static final int INTERRUPTED_ATTEMPTS = 3;

    private final Supplier<CoordinatorClient> coordinator;
    private final String instanceId;
    private final String app;
    private final boolean waitForPhaseTwo;
    private final long defaultTimeoutMillis;
    private final Participant[] participants;
    private final XidMint xids;
    private final CarriedVotes votes;
    /** Transactions begun in this process and not yet ended, with their rollback-only reason if any. */
    private final Map<String, String> owned = new ConcurrentHashMap<>();
    /** The names of the transactions in {@link #owned}, which their Commit gives the coordinator. */
    private final Map<String, String> names = new ConcurrentHashMap<>();
    /** Transactions in {@link #owned} whose XID left this process (a request carried it): participants may exist. */
    private final Set<String> propagated = ConcurrentHashMap.newKeySet();
    private final TransactionCounts counts = new TransactionCounts();

    /**
     * @param coordinator  gives the client, or throws IllegalStateException naming what is not configured
     * @param xids         mints the XIDs of the transactions this process begins
     * @param votes        where the votes for the Commits of this process's transactions wait
     * @param instanceId   the RM instance this process is: its own branches' votes name it
     * @param participants called at the end of each transaction this process owns, in this order
     */
    public TransactionManager(Supplier<CoordinatorClient> coordinator, XidMint xids, CarriedVotes votes, String instanceId,
                              String app, boolean waitForPhaseTwo, long defaultTimeoutMillis, List<Participant> participants) {
        this.votes = votes;
        this.xids = xids;
        this.defaultTimeoutMillis = defaultTimeoutMillis;
        this.participants = participants.toArray(new Participant[0]);
        this.coordinator = coordinator;
        this.instanceId = instanceId;
        this.app = app;
        this.waitForPhaseTwo = waitForPhaseTwo;
    }

    /** Enters a method with {@code definition}; throws (an application-visible exception) if it may not run. */
    public TransactionScope enter(TransactionDefinition definition, ClassLoader applicationLoader) {
        String current = TransactionContext.currentXid();
        return switch (definition.propagation()) {
            case REQUIRED -> current != null ? joined(current, definition, applicationLoader) : begin(definition, applicationLoader);
            case REQUIRES_NEW -> begin(definition, applicationLoader);
            case NOT_SUPPORTED -> new TransactionScope(TransactionScope.Kind.NONE, null, TransactionContext.bind(null),
                    definition, applicationLoader);
            case MANDATORY -> {
                if (current == null) {
                    throw ApiExceptions.failed(applicationLoader, definition.name()
                            + " needs an active global transaction (propagation MANDATORY) and the caller has none", null);
                }
                yield joined(current, definition, applicationLoader);
            }
            case NEVER -> {
                if (current != null) {
                    throw ApiExceptions.failed(applicationLoader, definition.name()
                            + " must run without a global transaction (propagation NEVER) but the caller is in " + current, null);
                }
                yield new TransactionScope(TransactionScope.Kind.NONE, null, null, definition, applicationLoader);
            }
        };
    }

    private static TransactionScope joined(String xid, TransactionDefinition definition, ClassLoader loader) {
        return new TransactionScope(TransactionScope.Kind.JOINED, xid, xid, definition, loader);
    }

    /**
     * Begins a transaction owned by this process: its XID is minted here, from the RM session's grant,
     * with no call to the coordinator (which first hears of it from a participant or from the Commit).
     */
    private TransactionScope begin(TransactionDefinition definition, ClassLoader loader) {
        // a coordinator is configured, of this application's cluster, and its session opened
        CoordinatorClient client = client(definition, loader);
        String xid;
        try {
            xid = xids.mint(definition.timeoutMillis() > 0 ? definition.timeoutMillis() : defaultTimeoutMillis);
        } catch (XidMint.NoGrantException noSession) {
            throw ApiExceptions.failed(loader, "cannot begin a global transaction for " + definition.name()
                    + ": no session with a coordinator leader at " + client.leaderAddress() + " (" + noSession.getMessage() + ")", null);
        } catch (IllegalStateException refused) {
            throw ApiExceptions.failed(loader, "cannot begin a global transaction for " + definition.name() + ": "
                    + refused.getMessage(), null);
        }
        owned.put(xid, "");
        counts.begun.increment();
        names.put(xid, definition.name());
        votes.awaitCommit(xid);
        return new TransactionScope(TransactionScope.Kind.OWNER, xid, TransactionContext.bind(xid), definition, loader);
    }

    private CoordinatorClient client(TransactionDefinition definition, ClassLoader loader) {
        try {
            return coordinator.get();
        } catch (IllegalStateException notConfigured) {
            throw ApiExceptions.failed(loader, "cannot begin a global transaction for " + definition.name() + ": "
                    + notConfigured.getMessage(), null);
        }
    }

    /** Leaves a method; returns what it must throw (its own exception, a rollback, or null). */
    public Throwable exit(TransactionScope scope, Throwable thrown) {
        try {
            return switch (scope.kind()) {
                case NONE -> thrown;
                case JOINED -> {
                    if (thrown != null && scope.definition().rollsBackOn(thrown)) {
                        markRollbackOnly(scope.xid(), scope.definition().name() + " threw " + thrown);
                    }
                    yield thrown;
                }
                case OWNER -> end(scope, thrown);
            };
        } finally {
            if (scope.kind() != TransactionScope.Kind.JOINED) {
                TransactionContext.restore(scope.previousXid());
            }
        }
    }

    /**
     * The XID of {@code xid} leaves this process (a request carries it): another process may enlist in
     * it, so its Commit is no longer its owner's alone.
     */
    public void propagated(String xid) {
        if (owned.containsKey(xid)) {
            propagated.add(xid);
        }
    }

    /** The application this process is, as it names itself to the coordinator. */
    public String app() {
        return app;
    }

    /** The meters of the transactions this process begins: how many began, and how each ended here. */
    public List<MeterDefinition> meters() {
        return counts.meters(owned::size);
    }

    /**
     * Whether {@code xid} was begun by this process and has not ended yet: once its end begins, before
     * any participant is called, it is no longer owned.
     */
    public boolean owns(String xid) {
        return owned.containsKey(xid);
    }

    /**
     * A participant failed: the transaction must roll back. The owner is told at its end; for a
     * transaction owned elsewhere (this service joined it over HTTP) this service votes FAILED at the
     * coordinator now, which needs no owner's rights.
     */
    public void markRollbackOnly(String xid, String reason) {
        if (owned.computeIfPresent(xid, (x, previous) -> previous.isEmpty() ? reason : previous) != null) {
            return;
        }
        boolean interrupted = false;
        try {
            for (int attempt = 1; ; attempt++) {
                // a reactive server's worker is interrupted when the request's handling is disposed, which can
                // come while its failure is being told: the call must still go out, the interrupt is kept for after
                interrupted |= Thread.interrupted();
                try {
                    coordinator.get().reportFailure(xid, app + ": " + reason);
                    LOG.info("told the coordinator that {} must roll back: {}", xid, reason);
                    return;
                } catch (RuntimeException e) {
                    if (Thread.currentThread().isInterrupted() && attempt < INTERRUPTED_ATTEMPTS) {
                        continue;
                    }
                    LOG.warn("could not tell the coordinator that {} must roll back ({}): {}; a branch of this service that "
                            + "has not prepared still stops its commit, or it times out", xid, reason, e.getMessage());
                    return;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Throwable end(TransactionScope scope, Throwable thrown) {
        String xid = scope.xid();
        String rollbackOnly = owned.remove(xid);
        String name = names.remove(xid);
        boolean ownerOnly = !propagated.remove(xid);
        boolean rollback = thrown != null && scope.definition().rollsBackOn(thrown);
        if (rollback || (rollbackOnly != null && !rollbackOnly.isEmpty())) {
            String reason = rollback ? scope.definition().name() + " threw " + thrown : rollbackOnly;
            Completion completion = Completion.rollback(xid, reason);
            rollBack(completion);
            counts.rolledBack.increment();
            return toApplication(scope, completion, thrown != null ? thrown : ApiExceptions.rolledBack(scope.applicationLoader(),
                    xid, "global transaction " + xid + " rolled back: " + reason, null));
        }
        Completion completion = Completion.commit(xid);
        beforeCompletion(completion);
        boolean waitForPhaseTwo = this.waitForPhaseTwo || completion.waitsForPhaseTwo();
        List<BranchReport> votes = this.votes.takeForCommit(xid);
        completion.carryVotes(votes);
        // with wait-for-phase-two the coordinator drives, and waits for, phase 2 of every branch
        boolean finishOwnBranches = !waitForPhaseTwo;
        OutcomeReply outcome;
        try {
            EndRequest.Builder commit = EndRequest.newBuilder().setXid(xid).setName(name == null ? "" : name)
                    .setOwnerOnly(ownerOnly).setWaitForPhaseTwo(waitForPhaseTwo).addAllVotes(votes)
                    .setPhaseTwoByInstance(finishOwnBranches ? instanceId : "");
            if (completion.carriesMessages()) {
                commit.setKafka(completion.kafka()).addAllMessages(completion.messages());
            }
            long committing = System.nanoTime();
            outcome = coordinator.get().commit(commit.build());
            counts.commitTimes.recordSince(committing);
            counts.branches.record(outcome.getBranches());
        } catch (CoordinatorException e) {
            // NOT_FOUND: presumed aborted, so the branches prepared here roll back; otherwise the outcome is unknown
            boolean notFound = e.code() == Status.Code.NOT_FOUND;
            completion.decided(false, notFound ? "the coordinator does not know " + xid : "the outcome is unknown: "
                    + e.getMessage(), notFound);
            if (!notFound) {
                completion.outcomeUnknown();
            }
            decided(completion);
            afterCompletion(completion, false);
            if (notFound) {
                counts.rolledBack.increment();
                return toApplication(scope, completion, ApiExceptions.rolledBack(scope.applicationLoader(), xid,
                        "global transaction " + xid + " rolled back: " + e.getMessage(), withSuppressed(e, thrown)));
            }
            counts.unknown.increment();
            return toApplication(scope, completion, ApiExceptions.failed(scope.applicationLoader(), "the outcome of global "
                    + "transaction " + xid + " is unknown: " + e.getMessage() + "; it will be settled by the coordinator and "
                    + "recovery", withSuppressed(e, thrown)));
        }
        boolean committed = outcome.getOutcome() == Outcome.COMMITTED;
        (committed ? counts.committed : counts.rolledBack).increment();
        // phase 2 of this process's own branches, here and now: the caller reads what it committed, and a
        // connection held by its prepared branch is free again when the method returns
        boolean finishesHere = !committed || finishOwnBranches;
        completion.decided(committed, committed ? "" : outcome.getReason(), finishesHere);
        decided(completion);
        afterCompletion(completion, outcome.getPhaseTwoDone() || (finishesHere && ownerOnly && !completion.carriesMessages()
                && completion.everyPreparedFinishedHere()));
        return toApplication(scope, completion, committed ? thrown : ApiExceptions.rolledBack(scope.applicationLoader(), xid,
                "global transaction " + xid + " rolled back: " + outcome.getReason(), thrown));
    }

    /**
     * The owner's thread goes back to its caller's context, and there the application's own callbacks for
     * the outcome run: work they do is not part of the transaction that ended. What they throw is what the
     * method throws if it has nothing else to throw (as an exception of Spring's {@code afterCommit} reaches
     * the caller of its commit), otherwise it is suppressed by that.
     */
    private Throwable toApplication(TransactionScope scope, Completion completion, Throwable outcome) {
        TransactionContext.restore(scope.previousXid());
        Throwable result = outcome;
        for (Participant participant : participants) {
            try {
                participant.outcomeToApplication(completion);
            } catch (RuntimeException | Error e) {
                result = result == null ? e : withSuppressed(result, e);
            }
        }
        return result;
    }

    /**
     * Rolls the transaction of {@code completion} back here and at the coordinator: its open branches
     * and those prepared here (not registered) roll back here before the Rollback leaves.
     */
    private void rollBack(Completion completion) {
        String xid = completion.xid();
        beforeCompletion(completion);
        boolean waitForPhaseTwo = this.waitForPhaseTwo || completion.waitsForPhaseTwo();
        List<BranchReport> carried = votes.takeForCommit(xid);
        completion.carryVotes(carried);
        completion.decided(false, completion.rollbackReason(), true);
        decided(completion);
        // the prepared branches of called services, known here only by the votes their responses returned:
        // the Rollback names them, so that phase 2 rolls them back now
        List<BranchReport> theirs = carried.stream().filter(vote -> !vote.getInstanceId().equals(instanceId)).toList();
        boolean phaseTwoDone;
        try {
            phaseTwoDone = coordinator.get().rollback(EndRequest.newBuilder().setXid(xid).setReason(completion.rollbackReason())
                    .setWaitForPhaseTwo(waitForPhaseTwo).addAllVotes(theirs).build()).getPhaseTwoDone();
        } catch (RuntimeException e) {
            LOG.warn("rollback of {} not confirmed by the coordinator ({}); it will time out and roll back", xid, e.getMessage());
            phaseTwoDone = false;
        }
        afterCompletion(completion, phaseTwoDone);
    }

    private void beforeCompletion(Completion completion) {
        for (Participant participant : participants) {
            participant.beforeCompletion(completion);
        }
    }

    private void decided(Completion completion) {
        for (Participant participant : participants) {
            participant.decided(completion);
        }
    }

    private void afterCompletion(Completion completion, boolean phaseTwoDone) {
        completion.ended(phaseTwoDone);
        for (Participant participant : participants) {
            participant.afterCompletion(completion);
        }
    }

    private static Throwable withSuppressed(Throwable primary, Throwable other) {
        if (other != null) {
            primary.addSuppressed(other);
        }
        return primary;
    }
}
