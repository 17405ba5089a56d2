package dev.entente.coordinator.admin;

import dev.entente.coordinator.log.DecisionRecord;
import dev.entente.coordinator.log.LogRecord;
import dev.entente.coordinator.log.MessageRefusal;
import dev.entente.coordinator.log.RefusedMessagesDroppedRecord;
import dev.entente.coordinator.phase2.PhaseTwoDriver;
import dev.entente.coordinator.publish.PublishDriver;
import dev.entente.coordinator.publish.RefusedMessages;
import dev.entente.coordinator.raft.ReplicatedLog;
import dev.entente.coordinator.rpc.LeaderGuard;
import dev.entente.coordinator.txn.ActiveTransactions;
import dev.entente.coordinator.txn.Caller;
import dev.entente.coordinator.txn.Rejection;
import dev.entente.coordinator.txn.TransactionTable;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.OutcomeReply;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tx resolve}: an operator settles a stuck transaction explicitly, on the leader.
 * <ul>
 * <li>Undecided (ACTIVE, its TM gone or stuck): the chosen outcome is written to the Raft log as its
 * decision, and phase 2 follows. A commit needs every branch prepared.</li>
 * <li>Decided, phase 2 unfinished (in doubt): a decision is final. Asking for the outcome that stands
 * sends phase 2 again at once (and a commit's messages that Kafka refused, see {@link PublishDriver});
 * asking for the other one is refused, naming the outcome that stands.</li>
 * <li>Committed with messages Kafka refused for good: {@link #dropRefused} drops them.</li>
 * <li>Finished: the same outcome is a no-op, the other refused. Unknown: refused; by presumed abort its
 * prepared branches, if any, are rolled back by their RMs' recovery.</li>
 * </ul>
 */
public final class TransactionResolver {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionResolver.class);

    private final ActiveTransactions transactions;
    private final TransactionTable table;
    private final ReplicatedLog log;
    private final PhaseTwoDriver phaseTwo;
    private final Optional<PublishDriver> publisher;
    private final LeaderGuard guard;
    private final CoordinatorMetrics metrics;

    public TransactionResolver(ActiveTransactions transactions, TransactionTable table, ReplicatedLog log,
                               PhaseTwoDriver phaseTwo, Optional<PublishDriver> publisher, LeaderGuard guard,
                               CoordinatorMetrics metrics) {
        this.transactions = transactions;
        this.table = table;
        this.log = log;
        this.phaseTwo = phaseTwo;
        this.publisher = publisher;
        this.guard = guard;
        this.metrics = metrics;
    }

    /** The outcome that stands after the resolve, with what was done in {@code reason}. */
    public CompletableFuture<OutcomeReply> resolve(String xid, Outcome wanted) {
        requireLeader("resolve " + xid);
        return transactions.resolve(xid, wanted)
                .map(decided -> decided.thenApply(reply -> {
                    requireOutcome(xid, wanted, reply, "was decided " + reply.getOutcome() + " first");
                    metrics.resolved(wanted);
                    return reply.toBuilder().setReason("decided " + wanted + " by an operator; phase 2 under way").build();
                }))
                .orElseGet(() -> decided(xid, wanted));
    }

    private CompletableFuture<OutcomeReply> decided(String xid, Outcome wanted) {
        return transactions.status(Caller.ANYONE, xid).thenCompose(status -> {
            if (status.getOutcome() == Outcome.UNKNOWN) {
                throw new Rejection(Rejection.Kind.UNKNOWN, "transaction " + xid + " is unknown: " + status.getReason()
                        + "; nothing to resolve (by presumed abort, RMs roll back any branch of it they find prepared)");
            }
            if (status.getOutcome() == Outcome.ACTIVE) {
                throw new Rejection(Rejection.Kind.UNAVAILABLE, "transaction " + xid + " is being decided right now; retry");
            }
            requireOutcome(xid, wanted, status, "was decided " + status.getOutcome()
                    + (status.getReason().isEmpty() ? "" : " (" + status.getReason() + ")") + " and a decision is final");
            if (status.getPhaseTwoDone()) {
                return CompletableFuture.completedFuture(status.toBuilder()
                        .setReason("already " + status.getOutcome() + " and finished; nothing to do").build());
            }
            boolean resent = publisher.map(driver -> driver.retryNow(xid)).orElse(false);
            String messages = resent ? "; its messages, which Kafka refused, are sent again now" : "";
            return phaseTwo.retryNow(xid).thenApply(retried -> status.toBuilder().setReason(retried
                    ? "already decided " + status.getOutcome() + "; phase 2 sent again now" + messages
                    : "already decided " + status.getOutcome() + "; phase 2 is finishing" + messages).build());
        });
    }

    /**
     * Drops the messages of committed, unfinished {@code xid} that Kafka refused for good: the drop is
     * written to the Raft log first, so that no leader sends them, then the leader publishes its other
     * messages. Refused unless {@code xid} has such a message not yet dropped.
     */
    public CompletableFuture<OutcomeReply> dropRefused(String xid) {
        String operation = "drop the refused messages of " + xid;
        requireLeader(operation);
        DecisionRecord decision = table.pendingDecision(xid).orElseThrow(() -> new Rejection(Rejection.Kind.UNKNOWN,
                operation + ": it has no unfinished decision (unknown, undecided or finished; tx show " + xid + ")"));
        List<MessageRefusal> waiting = RefusedMessages.waiting(decision);
        if (waiting.isEmpty()) {
            throw new Rejection(Rejection.Kind.CONFLICT, operation + ": Kafka has refused none of its messages "
                    + "(only a message Kafka refused for good can be dropped)");
        }
        PublishDriver driver = publisher.orElseThrow(() -> new Rejection(Rejection.Kind.UNAVAILABLE,
                operation + ": this node publishes to no Kafka cluster (--kafka)"));
        if (!driver.holdForDrop(xid)) {
            throw new Rejection(Rejection.Kind.UNAVAILABLE, operation + ": its messages are being sent to Kafka right now, "
                    + "or this leader has not taken it over yet; retry");
        }
        long now = System.currentTimeMillis();
        List<String> ids = waiting.stream().map(MessageRefusal::getMessageId).toList();
        RefusedMessagesDroppedRecord drop = RefusedMessagesDroppedRecord.newBuilder().setXid(xid).addAllMessageIds(ids)
                .setDroppedAtMillis(now).build();
        return log.append(LogRecord.newBuilder().setRefusedDropped(drop).build()).handle((applied, failure) -> {
            if (failure != null || applied.getOutcome() != Outcome.COMMITTED) {
                driver.dropFailed(xid);
                throw failure != null ? new CompletionException(failure)
                        : new Rejection(Rejection.Kind.CONFLICT, operation + ": " + applied.getReason());
            }
            driver.dropped(xid, ids, now);
            metrics.publishDropped.add(ids.size());
            waiting.forEach(refused -> LOG.warn("{}: {} dropped by an operator; it will never be published",
                    xid, RefusedMessages.describe(refused)));
            int others = decision.getMessagesCount() - decision.getRefusalsCount();
            return OutcomeReply.newBuilder().setXid(xid).setOutcome(Outcome.COMMITTED).setReason("dropped " + ids.size()
                    + " messages Kafka refused; " + (others > 0 ? others + " other messages are being published" : "no other message to publish"))
                    .build();
        });
    }

    private void requireLeader(String operation) {
        if (!log.isLeaderReady()) {
            throw new Rejection(Rejection.Kind.UNAVAILABLE, operation + ": " + guard.notLeader().getStatus().getDescription());
        }
    }

    private static void requireOutcome(String xid, Outcome wanted, OutcomeReply standing, String what) {
        if (standing.getOutcome() != wanted) {
            throw new Rejection(Rejection.Kind.CONFLICT, "cannot " + (wanted == Outcome.COMMITTED ? "commit " : "roll back ")
                    + xid + ": it " + what + "; the outcome that stands is " + standing.getOutcome());
        }
    }
}
