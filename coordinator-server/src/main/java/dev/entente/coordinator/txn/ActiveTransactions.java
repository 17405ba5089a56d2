package dev.entente.coordinator.txn;

import dev.entente.coordinator.admin.CoordinatorMetrics;
import dev.entente.coordinator.log.ApplyReply;
import dev.entente.coordinator.log.BranchRef;
import dev.entente.coordinator.log.DecisionRecord;
import dev.entente.coordinator.log.LogRecord;
import dev.entente.coordinator.log.StatusAnswer;
import dev.entente.coordinator.publish.KafkaCluster;
import dev.entente.coordinator.publish.TopicLimits;
import dev.entente.coordinator.raft.ReplicatedLog;
import dev.entente.protocol.BranchReport;
import dev.entente.protocol.BranchVote;
import dev.entente.protocol.EndRequest;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.OutcomeReply;
import dev.entente.protocol.OutgoingMessage;
import dev.entente.protocol.Xids;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The leader's table of undecided transactions: branch registration and votes, the commit/rollback
 * decision (one replicated record), and deadlines. There is no Begin: a transaction enters the table
 * at the first call that names its XID (a participant's registration or vote, a Publish, the owner's
 * Commit), if its XID is of this leader's term, names a session this leader granted, and is not past
 * its deadline. Everything here is lost when the leader goes, which presumed abort allows: a
 * transaction no decision names rolls back, and one of an earlier term can no longer commit.
 */
public final class ActiveTransactions implements TransactionTable.DecisionListener {

    private static final Logger LOG = LoggerFactory.getLogger(ActiveTransactions.class);
    private static final int MAX_NAME = 200;
    private static final int MAX_RESOURCE = 256;
    private static final int MAX_MESSAGE_ID = 128;
    private static final int MAX_REASON = 2000;
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");

    /** Where @Publish messages go, and the check each passes before its transaction is decided. */
    public record Publishing(KafkaCluster cluster, TopicLimits limits) {
    }

    /**
     * Limits on what clients may ask for: an XID's deadline may lie at most {@code maxTimeoutMillis}
     * (plus {@link #CLOCK_SKEW_MILLIS}) ahead of this node's clock; {@code client}: what they may make
     * the leader hold.
     */
    public record Limits(long maxTimeoutMillis, long voteWaitMillis, ClientLimits client) {
    }

    /** How far a TM's clock may run ahead of the leader's before its deadlines are refused as too far. */
    static final long CLOCK_SKEW_MILLIS = 5_000;

    private final Supplier<Optional<String>> clusterId;
    private final ReplicatedLog log;
    private final TransactionTable table;
    private final SessionGrants grants;
    private final ScheduledExecutorService timer;
    private final CoordinatorMetrics metrics;
    private final Limits limits;
    private final Optional<Publishing> publishing;
    private final ConcurrentHashMap<String, ActiveTransaction> active = new ConcurrentHashMap<>();
    /** Undecided transactions in {@link #active} by owning application; an application with none has no entry. */
    private final ConcurrentHashMap<String, Integer> heldByApp = new ConcurrentHashMap<>();
    /** What the transactions in {@link #active} hold: their branches and messages. */
    private final HeldBytes held;
    /**
     * @param clusterId the cluster's id once its first leader wrote it (every call is refused until then)
     * @param table     the replicated decisions, read locally: a decided XID never enters the table again
     * @param grants    the session numbers this leader granted, by application: an XID's owner
     */
    public ActiveTransactions(Supplier<Optional<String>> clusterId, ReplicatedLog log, TransactionTable table,
                              SessionGrants grants, ScheduledExecutorService timer, CoordinatorMetrics metrics, Limits limits,
                              Optional<Publishing> publishing) {
        this.clusterId = clusterId;
        this.log = log;
        this.table = table;
        this.grants = grants;
        this.timer = timer;
        this.metrics = metrics;
        this.limits = limits;
        this.publishing = publishing;
        this.held = new HeldBytes(limits.client().heldBytes());
    }

    /**
     * The transaction {@code xid}, entering the table now if this is the first call that names it: the
     * XID must be of this leader's term (an earlier leader's transactions are presumed aborted with what
     * it knew of them), name a session this leader granted (whose application owns the transaction), and
     * not be past its deadline. A decided XID never enters again. Only a caller holding the
     * transaction's {@code token} joins it.
     */
    private ActiveTransaction join(Caller caller, String xid, String token, String operation) {
        requireWellFormed(xid, operation);
        ActiveTransaction tx = active.get(xid);
        if (tx == null) {
            tx = admit(xid, operation);
        }
        requireToken(xid, token, operation);
        caller.requireParticipant(tx.app, xid, operation);
        return tx;
    }

    /**
     * Refuses a call that does not carry the token of {@code xid}, derived from the key of the session
     * its XID names. Only this term's sessions' keys are known: an XID of an earlier term is either
     * refused as unknown or the Commit of its owner alone (owner-only), which its application's
     * credentials bind. The token is never part of a message.
     */
    private void requireToken(String xid, String token, String operation) {
        long term = Xids.term(xid);
        if (term == log.term() && !grants.tokenMatches(term, Xids.session(xid), xid, token)) {
            throw new Rejection(Rejection.Kind.PERMISSION_DENIED, operation + ": the call " + (token.isEmpty()
                    ? "carries no token" : "carries a wrong token") + " for transaction " + xid
                    + ": only a holder of the transaction (its XID and its token, propagated together) may join or end it");
        }
    }

    private ActiveTransaction admit(String xid, String operation) {
        return admit(xid, operation, owner(xid, operation), false);
    }

    /**
     * Brings {@code xid} into the table, owned by {@code owner}. {@code ownerOnly}: the owner's Commit
     * brings it, saying no other process ever had its XID; it may be of an earlier term than this
     * leader's, since no participant could have told that term's leader of a branch.
     */
    private ActiveTransaction admit(String xid, String operation, String owner, boolean ownerOnly) {
        long now = System.currentTimeMillis();
        long deadline = Xids.deadlineMillis(xid);
        if (deadline <= now) {
            throw new Rejection(Rejection.Kind.NOT_ACTIVE, operation + ": transaction " + xid + " is past its deadline ("
                    + (now - deadline) + " ms ago): it can no longer commit");
        }
        if (deadline > now + limits.maxTimeoutMillis() + CLOCK_SKEW_MILLIS) {
            throw Rejection.invalid(operation + ": the deadline of " + xid + " is " + (deadline - now) + " ms away; this "
                    + "coordinator takes transactions of at most " + limits.maxTimeoutMillis() + " ms (--max-timeout)");
        }
        holdFor(owner, operation, xid);
        try {
            held.take(operation + " " + xid, HeldBytes.PER_TRANSACTION);
        } catch (Rejection refused) {
            release(owner);
            throw refused;
        }
        ActiveTransaction tx = new ActiveTransaction(xid, "", owner, now, deadline - now, ownerOnly, limits.client(), held);
        ActiveTransaction first = active.putIfAbsent(xid, tx);
        if (first != null) {
            release(owner);
            tx.left();
            return first;
        }
        if (table.status(xid).getOutcome() != Outcome.UNKNOWN) {
            leave(tx); // decided before: a late call must not begin it again
            throw new Rejection(Rejection.Kind.NOT_ACTIVE, operation + ": transaction " + xid + " is already decided");
        }
        if (!log.isLeaderReady()) {
            // leadership went while this ran: leadershipLost() may have cleared the table before the put
            leave(tx);
            throw new Rejection(Rejection.Kind.UNAVAILABLE, operation + ": this coordinator node stopped leading; retry at the new leader");
        }
        tx.timeout = timer.schedule(() -> timedOut(tx), deadline - now, TimeUnit.MILLISECONDS);
        metrics.begun.increment();
        metrics.appBegun(owner);
        return tx;
    }

    /** Counts one more undecided transaction of {@code app}, or refuses it at --max-transactions-per-app. */
    private void holdFor(String app, String operation, String xid) {
        int max = limits.client().transactionsPerApp();
        int[] before = new int[1];
        heldByApp.compute(app, (name, held) -> {
            before[0] = held == null ? 0 : held;
            return before[0] >= max ? held : before[0] + 1;
        });
        if (before[0] >= max) {
            throw Rejection.limit(operation + " " + xid + ": application '" + app + "' has " + before[0]
                    + " undecided transactions on this leader; it may begin another once one is decided", max,
                    "--max-transactions-per-app");
        }
    }

    private void release(String app) {
        heldByApp.computeIfPresent(app, (name, held) -> held <= 1 ? null : held - 1);
    }

    /** {@code tx} leaves the table: what it held is given back, and a later call may not add to it. */
    private void leave(ActiveTransaction tx) {
        if (active.remove(tx.xid, tx)) {
            if (tx.timeout != null) {
                tx.timeout.cancel(false);
            }
            release(tx.app);
            tx.left();
        }
    }

    /**
     * The application that owns {@code xid}: the one whose session it names. An XID of another term is
     * unknown here (presumed aborted); one naming a session this leader never granted is refused.
     */
    private String owner(String xid, String operation) {
        long term = log.term();
        if (Xids.term(xid) != term) {
            throw new Rejection(Rejection.Kind.UNKNOWN, operation + ": transaction " + xid + " began under the leader of term "
                    + Xids.term(xid) + "; this leader (term " + term + ") does not know it: presumed aborted");
        }
        return grants.app(term, Xids.session(xid)).orElseThrow(() -> Rejection.invalid(operation + ": XID " + xid
                + " names session " + Xids.session(xid) + " of term " + term + ", which this leader never granted"));
    }

    /**
     * Registers a participant's branch under the id its RM chose; a retry (its first reply was lost)
     * repeats the same id and changes nothing.
     */
    public void registerBranch(Caller caller, String xid, String token, long branchId, String resource, String instanceId) {
        requireBranchId("RegisterBranch", xid, branchId);
        requireBranchPlace("RegisterBranch", xid, resource, instanceId, false);
        join(caller, xid, token, "RegisterBranch").register(branchId, resource, instanceId, caller.app().orElse(""));
    }

    /**
     * A participant's vote. Branch 0 with FAILED is a participant that failed outside any branch of its
     * own (a lost lock, a failed request handler, a refused publish): any participant may veto a commit.
     */
    public void reportBranch(Caller caller, BranchReport report) {
        String xid = report.getXid();
        if (report.getBranchId() == ActiveTransaction.PARTICIPANT && report.getVote() == BranchVote.FAILED) {
            if (report.getReason().length() > MAX_REASON) {
                throw Rejection.invalid("ReportBranch " + xid + ": reason may have at most " + MAX_REASON + " characters");
            }
            join(caller, xid, report.getToken(), "ReportBranch").participantFailed(caller, report.getReason());
            return;
        }
        requireVote("ReportBranch", xid, report);
        join(caller, xid, report.getToken(), "ReportBranch").vote(caller, report);
    }

    private static void requireVote(String operation, String xid, BranchReport report) {
        requireBranchId(operation, xid, report.getBranchId());
        BranchVote vote = report.getVote();
        if (vote != BranchVote.PREPARED && vote != BranchVote.READ_ONLY && vote != BranchVote.FAILED) {
            throw Rejection.invalid(operation + " " + xid + " branch " + report.getBranchId()
                    + ": vote must be PREPARED, READ_ONLY or FAILED");
        }
        if (report.getReason().length() > MAX_REASON) {
            throw Rejection.invalid(operation + " " + xid + ": reason may have at most " + MAX_REASON + " characters");
        }
        requireBranchPlace(operation, xid, report.getResource(), report.getInstanceId(), true);
        if (report.getApp().length() > MAX_NAME) {
            throw Rejection.invalid(operation + " " + xid + ": app may have at most " + MAX_NAME + " characters");
        }
    }

    private static void requireBranchId(String operation, String xid, long branchId) {
        if (branchId <= 0) {
            throw Rejection.invalid(operation + " " + xid + ": branch_id must be positive (the RM's XA bqual), got " + branchId);
        }
    }

    /** The resource and instance of a branch; {@code optional}: a vote of a registered branch names neither. */
    private static void requireBranchPlace(String operation, String xid, String resource, String instanceId, boolean optional) {
        boolean absent = resource.isEmpty() && optional;
        if (!absent && (resource.isBlank() || resource.length() > MAX_RESOURCE)) {
            throw Rejection.invalid(operation + " " + xid + ": resource must be 1-" + MAX_RESOURCE + " characters");
        }
        if (instanceId.length() > MAX_RESOURCE) {
            throw Rejection.invalid(operation + " " + xid + ": instance_id may have at most " + MAX_RESOURCE + " characters");
        }
    }

    /** Messages {@code xid} publishes to {@code kafka} if it commits; checked now, so a commit never carries a bad one. */
    public void publish(Caller caller, String xid, String token, String kafka, List<OutgoingMessage> messages) {
        ActiveTransaction tx = join(caller, xid, token, "Publish");
        checkMessages("Publish", xid, kafka, messages);
        tx.publish("Publish", messages);
    }

    /**
     * Messages a Commit carries: checked and added as Publish does, except that one that cannot be
     * published makes the commit a rollback naming it. A retry that finds the decision under way
     * changes nothing (the first attempt's messages were taken).
     */
    private void publishWithCommit(Caller caller, ActiveTransaction tx, String kafka, List<OutgoingMessage> messages) {
        if (messages.isEmpty() || tx.sealed()) {
            return;
        }
        try {
            checkMessages("Commit", tx.xid, kafka, messages);
            tx.publish("Commit", messages);
        } catch (Rejection refused) {
            if (refused.kind() == Rejection.Kind.NOT_ACTIVE && tx.sealed()) {
                return; // a concurrent retry began the decision, with these messages or without them
            }
            tx.participantFailed(caller, refused.getMessage());
        }
    }

    private void checkMessages(String operation, String xid, String kafka, List<OutgoingMessage> messages) {
        Publishing target = publishing.orElseThrow(() -> new Rejection(Rejection.Kind.NOT_ACTIVE, operation + " " + xid
                + ": this coordinator publishes to no Kafka cluster (start it with --kafka host:port)"));
        if (!target.cluster().isNamedBy(kafka)) {
            throw Rejection.invalid(operation + " " + xid + ": the application's Kafka cluster '" + abbreviate(kafka)
                    + "' is not the one this coordinator publishes to (" + target.cluster() + ")");
        }
        for (OutgoingMessage message : messages) {
            if (message.getMessageId().isEmpty() || message.getMessageId().length() > MAX_MESSAGE_ID) {
                throw Rejection.invalid(operation + " " + xid + ": message_id must be 1-" + MAX_MESSAGE_ID + " characters");
            }
            if (!TOPIC.matcher(message.getTopic()).matches()) {
                throw Rejection.invalid(operation + " " + xid + ": '" + abbreviate(message.getTopic())
                        + "' is not a Kafka topic name (1-249 letters, digits, '.', '_' or '-')");
            }
            target.limits().check(xid, message);
        }
    }

    /**
     * Commit ({@code wanted} COMMITTED) or roll back, as {@code request} asks; the same answer on every
     * retry (which needs no token: it acts on nothing). A commit takes the request's votes first, as if
     * each had come by ReportBranch, and its messages, as if they had come by Publish (a rollback needs
     * neither); its name is shown in admin views. A Commit of an XID the table does not hold brings it
     * in (the owner's votes ride it); an owner-only one (its owner never passed the XID on) may be of an
     * earlier leader's term. A Rollback of one that no participant named is answered without a write:
     * nothing of it is held anywhere but in its owner's process. A Commit that a limit on what clients
     * may make the leader hold refuses (the XID, a vote or a message it brings) rolls back, naming the
     * limit: its owner then frees its prepared branches at once.
     */
    public CompletableFuture<OutcomeReply> end(Caller caller, EndRequest request, Outcome wanted) {
        String xid = request.getXid();
        String name = request.getName();
        String reason = request.getReason();
        List<BranchReport> votes = request.getVotesList();
        String operation = wanted == Outcome.COMMITTED ? "Commit" : "Rollback";
        requireWellFormed(xid, operation);
        for (BranchReport vote : votes) {
            if (!vote.getXid().isEmpty() && !vote.getXid().equals(xid)) {
                throw Rejection.invalid(operation + " " + xid + ": it carries a vote of another transaction, " + abbreviate(vote.getXid()));
            }
            requireVote(operation, xid, vote);
        }
        if (name.length() > MAX_NAME) {
            throw Rejection.invalid(operation + " " + xid + ": name may have at most " + MAX_NAME + " characters");
        }
        if (request.getPhaseTwoByInstance().length() > MAX_RESOURCE) {
            throw Rejection.invalid(operation + " " + xid + ": phase_two_by_instance may have at most " + MAX_RESOURCE + " characters");
        }
        ActiveTransaction tx = active.get(xid);
        if (tx == null) {
            StatusAnswer decided = table.status(xid);
            if (decided.getOutcome() != Outcome.UNKNOWN) {
                caller.requireOwner(decided.getApp(), xid, operation);
                return CompletableFuture.completedFuture(reply(xid, decided)); // a retry: the answer it had
            }
            if (wanted == Outcome.ROLLED_BACK) {
                if (Xids.term(xid) == log.term()) {
                    caller.requireOwner(owner(xid, operation), xid, operation);
                    requireToken(xid, request.getToken(), operation);
                }
                String why = "rolled back by the application" + (reason.isEmpty() ? "" : ": " + reason);
                if (votes.stream().anyMatch(vote -> vote.getVote() == BranchVote.PREPARED)) {
                    return abort(caller, request, why); // participants' branches, prepared: phase 2 rolls them back
                }
                return CompletableFuture.completedFuture(OutcomeReply.newBuilder().setXid(xid).setOutcome(Outcome.ROLLED_BACK)
                        .setReason(why).setPhaseTwoDone(true).build());
            }
            String owner = request.getOwnerOnly() && Xids.term(xid) != log.term() ? caller.app().orElse("") : owner(xid, operation);
            caller.requireOwner(owner, xid, operation);
            requireToken(xid, request.getToken(), operation);
            if (System.currentTimeMillis() >= Xids.deadlineMillis(xid)) {
                metrics.timedOut.increment();
                return abort(caller, request, "its Commit came past its deadline");
            }
            try {
                tx = admit(xid, operation, owner, request.getOwnerOnly());
            } catch (Rejection refused) {
                if (refused.kind() != Rejection.Kind.LIMIT) {
                    throw refused;
                }
                // its owner's process holds prepared branches: a decision now frees them, not the deadline
                return abort(caller, request, "refused: " + refused.getMessage());
            }
        } else {
            requireToken(xid, request.getToken(), operation);
        }
        tx.phaseTwoBy(request.getPhaseTwoByInstance());
        return end(caller, tx, name, wanted, reason, votes, request.getKafka(), request.getMessagesList());
    }

    private CompletableFuture<OutcomeReply> end(Caller caller, ActiveTransaction tx, String name, Outcome wanted, String reason,
                                                List<BranchReport> votes, String kafka, List<OutgoingMessage> messages) {
        String xid = tx.xid;
        String operation = wanted == Outcome.COMMITTED ? "Commit" : "Rollback";
        caller.requireOwner(tx.app, xid, operation);
        tx.named(name);
        for (BranchReport vote : votes) { // a rollback names them too: phase 2 rolls them back
            try {
                tx.voteUnlessDeciding(caller, vote);
            } catch (Rejection refused) {
                if (refused.kind() != Rejection.Kind.LIMIT) {
                    throw refused;
                }
                tx.participantFailed(caller, refused.getMessage()); // a branch it could not take cannot commit
                break;
            }
        }
        if (wanted == Outcome.COMMITTED) {
            publishWithCommit(caller, tx, kafka, messages);
        }
        String why = wanted == Outcome.ROLLED_BACK ? "rolled back by the application" + (reason.isEmpty() ? "" : ": " + reason) : "";
        // a participant may report its vote a moment after the TM asks to commit (its response overtook
        // its report): give missing votes a short grace before a missing one means rollback
        CompletableFuture<Void> votesIn = wanted == Outcome.COMMITTED
                ? tx.votesIn().completeOnTimeout(null, limits.voteWaitMillis(), TimeUnit.MILLISECONDS)
                : CompletableFuture.completedFuture(null);
        return votesIn.thenCompose(ignored -> decide(tx, wanted, why))
                .thenApply(applied -> reply(xid, applied).toBuilder().setBranches(tx.branches().size()).build());
    }

    /**
     * An operator settles an undecided transaction (its TM is gone or stuck): its decision is written as
     * {@code wanted}, and phase 2 follows as for any decision. A commit is refused while a branch has not
     * prepared: such a branch could never be committed. Empty if {@code xid} is not undecided on this node.
     */
    public Optional<CompletableFuture<OutcomeReply>> resolve(String xid, Outcome wanted) {
        requireWellFormed(xid, "Resolve");
        ActiveTransaction tx = active.get(xid);
        if (tx == null) {
            return Optional.empty();
        }
        if (wanted == Outcome.COMMITTED) {
            tx.participantFailure().ifPresent(failure -> {
                throw new Rejection(Rejection.Kind.CONFLICT, "cannot commit " + xid + ": " + failure
                        + "; only a rollback can settle it");
            });
            for (ActiveTransaction.Branch branch : tx.branches()) {
                if (branch.vote() != BranchVote.PREPARED && branch.vote() != BranchVote.READ_ONLY) {
                    throw new Rejection(Rejection.Kind.CONFLICT, "cannot commit " + xid + ": branch " + branch.id()
                            + " on " + branch.resource() + (branch.vote() == BranchVote.FAILED ? " failed to prepare"
                            : " has not prepared") + "; only a rollback can settle it");
                }
            }
        }
        try (MDC.MDCCloseable logContext = MDC.putCloseable(Xids.LOG_KEY, xid)) {
            LOG.info("transaction {} ({}) resolved by an operator: {}", xid, tx.name, wanted);
        }
        return Optional.of(decide(tx, wanted, "resolved by an operator").thenApply(applied -> reply(xid, applied)));
    }

    private static OutcomeReply reply(String xid, ApplyReply applied) {
        return OutcomeReply.newBuilder().setXid(xid).setOutcome(applied.getOutcome()).setReason(applied.getReason()).build();
    }

    /** The outcome as known now: ACTIVE for a transaction in this leader's memory, else the replicated state. */
    public CompletableFuture<OutcomeReply> status(Caller caller, String xid) {
        return status(caller, xid, 0, false);
    }

    /**
     * The outcome of {@code xid}, or with a non-zero {@code branchId} of that branch (COMMITTED only if
     * the commit decision names it). ACTIVE: it may still commit. With {@code abortIfUndecided}, any
     * other answer is final (see {@link #undecided}).
     */
    public CompletableFuture<OutcomeReply> status(Caller caller, String xid, long branchId, boolean abortIfUndecided) {
        requireWellFormed(xid, "Status");
        if (branchId < 0) {
            throw Rejection.invalid("Status " + xid + ": branch_id must be 0 (the transaction) or a branch id, got " + branchId);
        }
        ActiveTransaction tx = active.get(xid);
        if (tx != null) {
            caller.requireParticipant(tx.app, xid, "Status");
            if (abortIfUndecided && System.currentTimeMillis() >= Xids.deadlineMillis(xid)) {
                return decide(tx, Outcome.ROLLED_BACK, "past its deadline, found in doubt by " + caller)
                        .thenCompose(applied -> log.status(xid, branchId)).thenApply(answer -> reply(xid, answer));
            }
            return CompletableFuture.completedFuture(OutcomeReply.newBuilder().setXid(xid).setOutcome(Outcome.ACTIVE).build());
        }
        return log.status(xid, branchId).thenCompose(answer -> {
            if (answer.getOutcome() != Outcome.UNKNOWN) {
                caller.requireParticipant(answer.getApp(), xid, "Status");
                return CompletableFuture.completedFuture(reply(xid, answer));
            }
            return undecided(caller, xid, branchId, abortIfUndecided, answer);
        });
    }

    /**
     * The status of an XID no decision names and the table does not hold. Before its deadline, its
     * owner may still commit it (ACTIVE), even one of an earlier term if no other process had its XID.
     * Past its deadline, the leader refuses its Commit, but a clock set back could let one in: for an
     * RM about to roll a branch back ({@code abortIfUndecided}), an abort is written first, which every
     * later Commit meets.
     */
    private CompletableFuture<OutcomeReply> undecided(Caller caller, String xid, long branchId, boolean abortIfUndecided,
                                                      StatusAnswer unknown) {
        long now = System.currentTimeMillis();
        long deadline = Xids.deadlineMillis(xid);
        if (now < deadline) {
            return CompletableFuture.completedFuture(OutcomeReply.newBuilder().setXid(xid).setOutcome(Outcome.ACTIVE)
                    .setReason("not decided yet; its deadline is in " + (deadline - now) + " ms").build());
        }
        if (!abortIfUndecided) {
            return CompletableFuture.completedFuture(reply(xid, unknown));
        }
        return abort(xid, branchId, "undecided past its deadline, found in doubt by " + caller);
    }

    /**
     * Writes an abort for {@code xid}, which no decision names yet and the table does not hold: every
     * later Commit meets it (the first decision of an XID stands). The answer is then the decision that
     * stands, for the transaction or its branch {@code branchId}.
     */
    private CompletableFuture<OutcomeReply> abort(String xid, long branchId, String why) {
        metrics.timedOut.increment();
        return abort(xid, branchId, abortRecord(xid, why).build());
    }

    /**
     * An abort of an XID this leader does not hold, written on its owner's {@code request} (a Rollback,
     * or a Commit past its deadline): the prepared branches its votes name (its participants', which
     * their responses returned to the owner) are named, so that phase 2 rolls them back now rather than
     * when their RMs find them in doubt; the owner's RM rolls back its own.
     */
    private CompletableFuture<OutcomeReply> abort(Caller caller, EndRequest request, String why) {
        DecisionRecord.Builder abort = abortRecord(request.getXid(), why).setPhaseTwoByInstance(request.getPhaseTwoByInstance());
        for (BranchReport vote : request.getVotesList()) {
            if (vote.getVote() == BranchVote.PREPARED && !vote.getResource().isEmpty()) {
                boolean relayed = caller.app().isPresent() && !vote.getApp().isEmpty();
                abort.addBranches(BranchRef.newBuilder().setBranchId(vote.getBranchId()).setResource(vote.getResource())
                        .setInstanceId(vote.getInstanceId()).setApp(relayed ? vote.getApp() : caller.app().orElse("")));
            }
        }
        return abort(request.getXid(), 0, abort.build());
    }

    private DecisionRecord.Builder abortRecord(String xid, String why) {
        return DecisionRecord.newBuilder().setXid(xid).setOutcome(Outcome.ROLLED_BACK).setReason(why)
                .setDecidedAtMillis(System.currentTimeMillis()).setApp(grants.app(Xids.term(xid), Xids.session(xid)).orElse(""));
    }

    private CompletableFuture<OutcomeReply> abort(String xid, long branchId, DecisionRecord abort) {
        return log.append(LogRecord.newBuilder().setDecision(abort).build())
                .thenCompose(applied -> log.status(xid, branchId)).thenApply(answer -> reply(xid, answer));
    }

    private static OutcomeReply reply(String xid, StatusAnswer answer) {
        return OutcomeReply.newBuilder().setXid(xid).setOutcome(answer.getOutcome()).setReason(answer.getReason())
                .setPhaseTwoDone(answer.getPhaseTwoDone()).build();
    }

    /**
     * The transaction's decision: the one already submitted, if any (a Commit or Rollback joining a
     * decision under way gets its answer, or the same UNAVAILABLE if it cannot be replicated), else
     * {@code wanted}, submitted now.
     */
    private CompletableFuture<ApplyReply> decide(ActiveTransaction tx, Outcome wanted, String reason) {
        CompletableFuture<ApplyReply> decision;
        synchronized (tx) {
            decision = tx.decision();
            if (decision == null) {
                decision = submitDecision(tx, wanted, reason);
            }
        }
        return decision.handle((applied, failure) -> {
            if (failure != null) {
                throw new Rejection(Rejection.Kind.UNAVAILABLE, "the decision for " + tx.xid
                        + " could not be replicated to a majority of coordinator nodes (" + rootMessage(failure)
                        + "); its outcome is unknown until a retry of Commit/Rollback or Status answers");
            }
            return applied;
        });
    }

    /** Appends the decision record; called holding {@code tx}'s lock. */
    private CompletableFuture<ApplyReply> submitDecision(ActiveTransaction tx, Outcome wanted, String reason) {
        DecisionRecord record = tx.decisionFor(wanted, reason, System.currentTimeMillis());
        long started = System.nanoTime();
        CompletableFuture<ApplyReply> decision = log.append(LogRecord.newBuilder().setDecision(record).build());
        tx.deciding(decision);
        decision.whenComplete((applied, failure) -> {
            if (failure != null) {
                tx.decisionFailed(decision);
                try (MDC.MDCCloseable logContext = MDC.putCloseable(Xids.LOG_KEY, tx.xid)) {
                    LOG.warn("decision for {} not replicated: {}", tx.xid, failure.toString());
                }
                return;
            }
            metrics.decisionLatency(System.nanoTime() - started);
            (applied.getOutcome() == Outcome.COMMITTED ? metrics.committed : metrics.rolledBack).increment();
            metrics.appDecided(tx.app, applied.getOutcome());
        });
        return decision;
    }

    private void timedOut(ActiveTransaction tx) {
        if (active.get(tx.xid) != tx) {
            return;
        }
        try (MDC.MDCCloseable logContext = MDC.putCloseable(Xids.LOG_KEY, tx.xid)) {
            LOG.info("transaction {} ({}) timed out: its deadline passed; rolling back", tx.xid, tx.name);
        }
        metrics.timedOut.increment();
        decide(tx, Outcome.ROLLED_BACK, "timed out: its deadline passed").exceptionally(failure -> {
            if (!log.isLeaderReady()) {
                // a follower has nothing to decide: the leader presumes the transaction aborted
                leave(tx);
            } else if (active.get(tx.xid) == tx) {
                tx.timeout = timer.schedule(() -> timedOut(tx), 1, TimeUnit.SECONDS);
            }
            return null;
        });
    }

    /** A decision took effect (on any node): the transaction leaves the active table. */
    @Override
    public void decided(DecisionRecord decision) {
        ActiveTransaction tx = active.get(decision.getXid());
        if (tx != null) {
            leave(tx);
        }
    }

    /** This node stopped leading: its undecided transactions are gone (presumed abort). */
    public void leadershipLost() {
        if (!active.isEmpty()) {
            LOG.warn("leadership lost with {} undecided transactions: they will be presumed aborted", active.size());
        }
        active.values().forEach(this::leave);
    }

    private void requireWellFormed(String xid, String operation) {
        if (!Xids.isWellFormed(xid)) {
            throw Rejection.invalid(operation + ": '" + abbreviate(xid) + "' is not an XID (expected cluster:term:session:counter:deadline)");
        }
        String ours = requireClusterId(operation);
        if (!Xids.clusterId(xid).equals(ours)) {
            throw Rejection.invalid(operation + ": XID " + xid + " belongs to cluster '" + Xids.clusterId(xid)
                    + "', this is '" + ours + "'");
        }
    }

    private String requireClusterId(String operation) {
        return clusterId.get().orElseThrow(() -> new Rejection(Rejection.Kind.UNAVAILABLE, operation
                + ": this coordinator node leads but has not written the cluster's identity yet; retry shortly"));
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    public int size() {
        return active.size();
    }

    /** Bytes the undecided transactions hold (estimated: see {@link HeldBytes}). */
    public long heldBytes() {
        return held.held();
    }

    /** Kafka topics whose settings are cached (0 without Kafka). */
    public long cachedTopics() {
        return publishing.map(target -> (long) target.limits().cachedTopics()).orElse(0L);
    }

    /** A read-only view of one undecided transaction, for the admin endpoints. */
    public record View(String xid, String name, String app, long begunAtMillis, long timeoutMillis, List<BranchView> branches,
                       int messages) {
    }

    /** One branch of an undecided transaction and its vote so far. */
    public record BranchView(long id, String resource, String instanceId, BranchVote vote) {
    }

    public List<View> views() {
        Collection<ActiveTransaction> all = active.values();
        return all.stream().map(ActiveTransactions::view).toList();
    }

    public Optional<View> view(String xid) {
        return Optional.ofNullable(active.get(xid)).map(ActiveTransactions::view);
    }

    private static View view(ActiveTransaction tx) {
        return new View(tx.xid, tx.name, tx.app, tx.begunAtMillis, tx.timeoutMillis, tx.branches().stream()
                .map(b -> new BranchView(b.id(), b.resource(), b.instanceId(), b.vote())).toList(), tx.messageCount());
    }
}
