package dev.entente.coordinator.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entente.protocol.BranchVote;
import dev.entente.protocol.Outcome;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The vote rules of one transaction in the leader's memory: a retried vote is taken again even once the
 * decision is under way (its first attempt may have been counted, its reply lost), and a failed branch
 * never becomes prepared. (The same rules end to end, on a coordinator process: TwoPhaseCommitTest.)
 */
class ActiveTransactionTest {

    private final ActiveTransaction tx = new ActiveTransaction("entente:1:1", "transfer", "bank", 0, 30_000);

    @Test
    void theSameVoteAgainIsARetryEvenWhileTheDecisionIsUnderWay() {
        long branch = tx.register("postgresql://db/accounts", "bank-1");
        tx.vote(branch, BranchVote.PREPARED, "");
        tx.deciding(new CompletableFuture<>());

        tx.vote(branch, BranchVote.PREPARED, "");

        assertThatThrownBy(() -> tx.vote(branch, BranchVote.FAILED, "too late"))
                .isInstanceOf(Rejection.class).hasMessageContaining("already being decided");
        assertThat(tx.branches()).extracting(ActiveTransaction.Branch::vote).containsExactly(BranchVote.PREPARED);
    }

    @Test
    void aFailedBranchIsNeverCountedAsPrepared() {
        long failed = tx.register("mariadb://db/accounts", "bank-2");
        tx.vote(failed, BranchVote.FAILED, "deadlock");

        assertThatThrownBy(() -> tx.vote(failed, BranchVote.PREPARED, ""))
                .isInstanceOf(Rejection.class).hasMessageContaining("failed to prepare (deadlock)");
        tx.voteUnlessDeciding(failed, BranchVote.PREPARED, "");

        assertThat(tx.branches()).extracting(ActiveTransaction.Branch::vote).containsExactly(BranchVote.FAILED);
        assertThat(tx.decisionFor(Outcome.COMMITTED, "", 1).getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
    }
}
