package dev.entente.coordinator.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entente.coordinator.log.BranchRef;
import dev.entente.protocol.BranchVote;
import dev.entente.protocol.Outcome;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The rules of one transaction in the leader's memory: a retried vote is taken again even once the
 * decision is under way (its first attempt may have been counted, its reply lost), a failed branch never
 * becomes prepared, a retried registration is one branch, a vote counts only from the application that
 * registered the branch, and any participant's failure rolls the transaction back. (The same rules end
 * to end, on a coordinator process: TwoPhaseCommitTest, SecuredClusterTest.)
 */
class ActiveTransactionTest {

    private static final Caller BANK = Caller.authenticated("bank", (app, owner) -> true);
    private static final Caller AUDIT = Caller.authenticated("audit", (app, owner) -> true);

    private final ActiveTransaction tx = new ActiveTransaction("entente-0123456789:1:1", "transfer", "bank", 0, 30_000);

    @Test
    void theSameVoteAgainIsARetryEvenWhileTheDecisionIsUnderWay() {
        long branch = tx.register("postgresql://db/accounts", "bank-1", "bank", "");
        tx.vote(BANK, branch, BranchVote.PREPARED, "");
        tx.deciding(new CompletableFuture<>());

        tx.vote(BANK, branch, BranchVote.PREPARED, "");

        assertThatThrownBy(() -> tx.vote(BANK, branch, BranchVote.FAILED, "too late"))
                .isInstanceOf(Rejection.class).hasMessageContaining("already being decided");
        assertThat(tx.branches()).extracting(ActiveTransaction.Branch::vote).containsExactly(BranchVote.PREPARED);
    }

    @Test
    void aFailedBranchIsNeverCountedAsPrepared() {
        long failed = tx.register("mariadb://db/accounts", "bank-2", "bank", "");
        tx.vote(BANK, failed, BranchVote.FAILED, "deadlock");

        assertThatThrownBy(() -> tx.vote(BANK, failed, BranchVote.PREPARED, ""))
                .isInstanceOf(Rejection.class).hasMessageContaining("failed to prepare (deadlock)");
        tx.voteUnlessDeciding(BANK, failed, BranchVote.PREPARED, "");

        assertThat(tx.branches()).extracting(ActiveTransaction.Branch::vote).containsExactly(BranchVote.FAILED);
        assertThat(tx.decisionFor(Outcome.COMMITTED, "", 1).getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
    }

    @Test
    void aRetriedRegistrationIsTheSameBranch() {
        long first = tx.register("postgresql://db/accounts", "bank-1", "bank", "request-1");
        long retried = tx.register("postgresql://db/accounts", "bank-1", "bank", "request-1");
        long other = tx.register("postgresql://db/accounts", "bank-1", "bank", "request-2");
        tx.vote(BANK, first, BranchVote.PREPARED, "");
        tx.vote(BANK, other, BranchVote.PREPARED, "");

        assertThat(retried).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        assertThat(tx.branches()).hasSize(2);
        assertThat(tx.votesIn()).isDone();
        assertThat(tx.decisionFor(Outcome.COMMITTED, "", 1).getOutcome()).isEqualTo(Outcome.COMMITTED);
        assertThatThrownBy(() -> tx.register("mariadb://db/other", "bank-1", "bank", "request-1"))
                .isInstanceOf(Rejection.class).hasMessageContaining("request request-1 registered branch " + first);
    }

    @Test
    void aVoteCountsOnlyFromTheApplicationThatRegisteredTheBranch() {
        long branch = tx.register("postgresql://db/accounts", "bank-1", "bank", "");

        assertThatThrownBy(() -> tx.vote(AUDIT, branch, BranchVote.PREPARED, ""))
                .isInstanceOf(Rejection.class).hasMessageContaining("application 'bank' registered it");
        assertThatThrownBy(() -> tx.voteUnlessDeciding(AUDIT, branch, BranchVote.PREPARED, ""))
                .isInstanceOf(Rejection.class);
        assertThat(tx.branches()).extracting(ActiveTransaction.Branch::vote).containsExactly(BranchVote.BRANCH_VOTE_UNSPECIFIED);

        tx.vote(BANK, branch, BranchVote.PREPARED, "");
        assertThat(tx.decisionFor(Outcome.COMMITTED, "", 1).getBranchesList()).extracting(BranchRef::getApp)
                .containsExactly("bank");
    }

    @Test
    void aParticipantThatFailedOutsideItsBranchesRollsTheTransactionBack() {
        long branch = tx.register("postgresql://db/accounts", "bank-1", "bank", "");
        tx.vote(BANK, branch, BranchVote.PREPARED, "");

        tx.participantFailed(AUDIT, "the @Locked lock on key 'account-7' was lost");

        assertThat(tx.decisionFor(Outcome.COMMITTED, "", 1).getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(tx.decisionFor(Outcome.COMMITTED, "", 1).getReason())
                .isEqualTo("application 'audit' failed: the @Locked lock on key 'account-7' was lost");
    }
}
