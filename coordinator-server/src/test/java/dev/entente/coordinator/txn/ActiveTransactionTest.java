package dev.entente.coordinator.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.entente.coordinator.log.BranchRef;
import dev.entente.protocol.BranchReport;
import dev.entente.protocol.BranchVote;
import dev.entente.protocol.Outcome;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The rules of one transaction in the leader's memory: a retried vote is taken again even once the
 * decision is under way (its first attempt may have been counted, its reply lost), a failed branch never
 * becomes prepared, a retried registration is one branch, a branch id names one branch, an unregistered
 * branch becomes known by its vote, a vote counts only from the application that registered the branch,
 * and any participant's failure rolls the transaction back. (The same rules end to end, on a
 * coordinator process: TwoPhaseCommitTest, SecuredClusterTest.)
 */
class ActiveTransactionTest {

    private static final Caller BANK = Caller.authenticated("bank", (app, owner) -> true);
    private static final Caller AUDIT = Caller.authenticated("audit", (app, owner) -> true);
    private static final String ACCOUNTS = "postgresql://db/accounts";

    private static final ClientLimits LIMITS = new ClientLimits(10, 3, 10, 4096, 1 << 20, 10, 1);

    private final HeldBytes budget = new HeldBytes(1 << 20);
    private final ActiveTransaction tx = new ActiveTransaction("entente-0123456789:1:1:1:tpk0ed", "transfer", "bank", 0, 30_000, false,
            LIMITS, budget);

    @Test
    void itsBranchesAreBoundedAndWhatItHoldsGoesBackWhenItLeaves() {
        budget.take("test", HeldBytes.PER_TRANSACTION); // as the table does when it admits one
        tx.register(1, ACCOUNTS, "bank-1", "bank");
        tx.register(2, ACCOUNTS, "bank-1", "bank");
        tx.register(3, ACCOUNTS, "bank-1", "bank");
        assertThatThrownBy(() -> tx.register(4, ACCOUNTS, "bank-1", "bank"))
                .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.kind()).isEqualTo(Rejection.Kind.LIMIT))
                .hasMessageContaining("the limit is 3 (--max-branches-per-transaction)");
        long branches = budget.held();
        assertThat(branches).isEqualTo(HeldBytes.PER_TRANSACTION + 3 * HeldBytes.ofBranch(ACCOUNTS, "bank-1", "bank", ""));
        tx.vote(BANK, BranchReport.newBuilder().setXid(tx.xid).setBranchId(1).setVote(BranchVote.FAILED)
                .setReason("x".repeat(1000)).build());
        assertThat(budget.held()).isEqualTo(branches + 2000); // its reason, two bytes a character
        tx.left();
        assertThat(budget.held()).isZero();
        assertThatThrownBy(() -> tx.register(5, ACCOUNTS, "bank-1", "bank")).hasMessageContaining("already being decided");
    }

    @Test
    void theSameVoteAgainIsARetryEvenWhileTheDecisionIsUnderWay() {
        tx.register(5, ACCOUNTS, "bank-1", "bank");
        tx.vote(BANK, vote(5, BranchVote.PREPARED));
        tx.deciding(new CompletableFuture<>());

        tx.vote(BANK, vote(5, BranchVote.PREPARED));

        assertThatThrownBy(() -> tx.vote(BANK, vote(5, BranchVote.FAILED)))
                .isInstanceOf(Rejection.class).hasMessageContaining("already being decided");
        assertThat(tx.branches()).extracting(ActiveTransaction.Branch::vote).containsExactly(BranchVote.PREPARED);
    }

    @Test
    void aFailedBranchIsNeverCountedAsPrepared() {
        tx.register(7, "mariadb://db/accounts", "bank-2", "bank");
        tx.vote(BANK, vote(7, BranchVote.FAILED).toBuilder().setReason("deadlock").build());

        assertThatThrownBy(() -> tx.vote(BANK, vote(7, BranchVote.PREPARED)))
                .isInstanceOf(Rejection.class).hasMessageContaining("failed to prepare (deadlock)");
        tx.voteUnlessDeciding(BANK, vote(7, BranchVote.PREPARED));

        assertThat(tx.branches()).extracting(ActiveTransaction.Branch::vote).containsExactly(BranchVote.FAILED);
        assertThat(tx.decisionFor(Outcome.COMMITTED, "", 1).getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
    }

    @Test
    void aRetriedRegistrationIsTheSameBranchAndABranchIdNamesOneBranch() {
        tx.register(11, ACCOUNTS, "bank-1", "bank");
        tx.register(11, ACCOUNTS, "bank-1", "bank");
        tx.register(12, ACCOUNTS, "bank-1", "bank");
        tx.vote(BANK, vote(11, BranchVote.PREPARED));
        tx.vote(BANK, vote(12, BranchVote.PREPARED));

        assertThat(tx.branches()).extracting(ActiveTransaction.Branch::id).containsExactly(11L, 12L);
        assertThat(tx.votesIn()).isDone();
        assertThat(tx.decisionFor(Outcome.COMMITTED, "", 1).getOutcome()).isEqualTo(Outcome.COMMITTED);
        assertThatThrownBy(() -> tx.register(11, "mariadb://db/other", "bank-1", "bank"))
                .isInstanceOf(Rejection.class).hasMessageContaining("branch 11 is already registered on " + ACCOUNTS);
        assertThatThrownBy(() -> tx.vote(BANK, vote(12, BranchVote.PREPARED).toBuilder().setResource("mariadb://db/other").build()))
                .isInstanceOf(Rejection.class).hasMessageContaining("names a branch on " + ACCOUNTS);
    }

    @Test
    void anUnregisteredBranchBecomesKnownByItsVoteAndTheDecisionNamesIt() {
        tx.register(21, ACCOUNTS, "bank-1", "bank");
        tx.vote(BANK, vote(21, BranchVote.PREPARED));
        tx.voteUnlessDeciding(BANK, vote(22, BranchVote.PREPARED).toBuilder().setResource("mariadb://db/ledger")
                .setInstanceId("bank-1").build());

        assertThat(tx.decisionFor(Outcome.COMMITTED, "", 1).getBranchesList())
                .extracting(BranchRef::getBranchId, BranchRef::getResource, BranchRef::getApp)
                .containsExactly(tuple(21L, ACCOUNTS, "bank"),
                        tuple(22L, "mariadb://db/ledger", "bank"));

        // a vote without its resource introduces nothing: the coordinator cannot tell where the branch is
        assertThatThrownBy(() -> tx.vote(BANK, vote(23, BranchVote.PREPARED)))
                .isInstanceOf(Rejection.class).hasMessageContaining("has no branch 23");
        // and once the decision is under way no branch joins it: its vote missed the decision
        tx.deciding(new CompletableFuture<>());
        assertThatThrownBy(() -> tx.vote(BANK, vote(24, BranchVote.PREPARED).toBuilder().setResource(ACCOUNTS).build()))
                .isInstanceOf(Rejection.class).hasMessageContaining("already being decided");
    }

    @Test
    void aVoteCountsOnlyFromTheApplicationThatRegisteredTheBranch() {
        tx.register(31, ACCOUNTS, "bank-1", "bank");

        assertThatThrownBy(() -> tx.vote(AUDIT, vote(31, BranchVote.PREPARED)))
                .isInstanceOf(Rejection.class).hasMessageContaining("application 'bank' registered it");
        assertThatThrownBy(() -> tx.voteUnlessDeciding(AUDIT, vote(31, BranchVote.PREPARED)))
                .isInstanceOf(Rejection.class);
        assertThat(tx.branches()).extracting(ActiveTransaction.Branch::vote).containsExactly(BranchVote.BRANCH_VOTE_UNSPECIFIED);

        tx.vote(BANK, vote(31, BranchVote.PREPARED));
        assertThat(tx.decisionFor(Outcome.COMMITTED, "", 1).getBranchesList()).extracting(BranchRef::getApp)
                .containsExactly("bank");
    }

    @Test
    void aParticipantThatFailedOutsideItsBranchesRollsTheTransactionBack() {
        tx.register(41, ACCOUNTS, "bank-1", "bank");
        tx.vote(BANK, vote(41, BranchVote.PREPARED));

        tx.participantFailed(AUDIT, "the @Locked lock on key 'account-7' was lost");

        assertThat(tx.decisionFor(Outcome.COMMITTED, "", 1).getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(tx.decisionFor(Outcome.COMMITTED, "", 1).getReason())
                .isEqualTo("application 'audit' failed: the @Locked lock on key 'account-7' was lost");
    }

    private BranchReport vote(long branchId, BranchVote vote) {
        return BranchReport.newBuilder().setXid(tx.xid).setBranchId(branchId).setVote(vote).build();
    }
}
