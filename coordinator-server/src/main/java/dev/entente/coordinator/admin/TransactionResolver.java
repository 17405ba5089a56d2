package dev.entente.coordinator.admin;

import dev.entente.coordinator.txn.Caller;
import dev.entente.coordinator.phase2.PhaseTwoDriver;
import dev.entente.coordinator.raft.ReplicatedLog;
import dev.entente.coordinator.rpc.LeaderGuard;
import dev.entente.coordinator.txn.ActiveTransactions;
import dev.entente.coordinator.txn.Rejection;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.OutcomeReply;
import java.util.concurrent.CompletableFuture;

/**
 * {@code tx resolve}: an operator settles a stuck transaction explicitly, on the leader.
 * <ul>
 * <li>Undecided (ACTIVE, its TM gone or stuck): the chosen outcome is written to the Raft log as its
 * decision, and phase 2 follows. A commit needs every branch prepared.</li>
 * <li>Decided, phase 2 unfinished (in doubt): a decision is final. Asking for the outcome that stands
 * sends phase 2 again at once; asking for the other one is refused, naming the outcome that stands.</li>
 * <li>Finished: the same outcome is a no-op, the other refused. Unknown: refused; by presumed abort its
 * prepared branches, if any, are rolled back by their RMs' recovery.</li>
 * </ul>
 */
public final class TransactionResolver {

    private final ActiveTransactions transactions;
    private final ReplicatedLog log;
    private final PhaseTwoDriver phaseTwo;
    private final LeaderGuard guard;
    private final CoordinatorMetrics metrics;

    public TransactionResolver(ActiveTransactions transactions, ReplicatedLog log, PhaseTwoDriver phaseTwo,
                               LeaderGuard guard, CoordinatorMetrics metrics) {
        this.transactions = transactions;
        this.log = log;
        this.phaseTwo = phaseTwo;
        this.guard = guard;
        this.metrics = metrics;
    }

    /** The outcome that stands after the resolve, with what was done in {@code reason}. */
    public CompletableFuture<OutcomeReply> resolve(String xid, Outcome wanted) {
        if (!log.isLeaderReady()) {
            throw new Rejection(Rejection.Kind.UNAVAILABLE, "resolve " + xid + ": " + guard.notLeader().getStatus().getDescription());
        }
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
            return phaseTwo.retryNow(xid).thenApply(retried -> status.toBuilder().setReason(retried
                    ? "already decided " + status.getOutcome() + "; phase 2 sent again now"
                    : "already decided " + status.getOutcome() + "; phase 2 is finishing").build());
        });
    }

    private static void requireOutcome(String xid, Outcome wanted, OutcomeReply standing, String what) {
        if (standing.getOutcome() != wanted) {
            throw new Rejection(Rejection.Kind.CONFLICT, "cannot " + (wanted == Outcome.COMMITTED ? "commit " : "roll back ")
                    + xid + ": it " + what + "; the outcome that stands is " + standing.getOutcome());
        }
    }
}
