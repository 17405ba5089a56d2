package dev.entente.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.entente.coordinator.testing.FakeRm;
import dev.entente.coordinator.testing.TestBranches;
import dev.entente.coordinator.testing.TestTransactions;
import dev.entente.protocol.BranchReport;
import dev.entente.protocol.BranchVote;
import dev.entente.protocol.EndRequest;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.OutcomeReply;
import dev.entente.protocol.PhaseTwoAction;
import dev.entente.protocol.Xids;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.protocol.client.CoordinatorException;
import dev.entente.testkit.CoordinatorProcess;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two-phase commit against a real single-node coordinator process, with RMs on real sessions. */
@Timeout(120)
class TwoPhaseCommitTest {

    private static final String ORDERS = "postgresql://127.0.0.1:5432/orders";
    private static final String STOCK = "mariadb://127.0.0.1:3306/stock";

    @TempDir
    static Path work;
    static CoordinatorProcess coordinator;
    static CoordinatorClient client;
    static FakeRm orders;
    static FakeRm stock;

    @BeforeAll
    static void start() {
        coordinator = CoordinatorProcess.dev(work).start().awaitServing();
        client = CoordinatorClient.connect(coordinator.clientAddress());
        orders = new FakeRm(client, "orders", "orders-1", Set.of(ORDERS)).connect();
        stock = new FakeRm(client, "inventory", "inventory-1", Set.of(STOCK)).connect();
    }

    @AfterAll
    static void stop() {
        orders.close();
        stock.close();
        client.close();
        coordinator.close();
    }

    private String transactionWithPreparedBranches() {
        String xid = TestTransactions.begin(client, "orders", 30_000);
        long first = TestBranches.register(client, xid, ORDERS, orders.instanceId());
        long second = TestBranches.register(client, xid, ORDERS, orders.instanceId());
        long third = TestBranches.register(client, xid, STOCK, stock.instanceId());
        for (long branch : new long[] {first, second, third}) {
            client.reportBranch(xid, branch, BranchVote.PREPARED, "");
        }
        return xid;
    }

    @Test
    void commitPushesBranchCommitToEveryBranchOverTheSessions() {
        String xid = transactionWithPreparedBranches();

        OutcomeReply reply = client.commit(xid, true);

        assertThat(reply.getOutcome()).isEqualTo(Outcome.COMMITTED);
        assertThat(reply.getPhaseTwoDone()).isTrue();
        assertThat(orders.receivedFor(xid)).extracting(FakeRm.Received::branchId).containsExactlyInAnyOrder(1L, 2L);
        assertThat(stock.receivedFor(xid)).extracting(FakeRm.Received::branchId).containsExactly(3L);
        assertThat(orders.receivedFor(xid)).allMatch(r -> r.action() == PhaseTwoAction.COMMIT && r.resource().equals(ORDERS));
        assertThat(client.status(xid).getOutcome()).isEqualTo(Outcome.COMMITTED);
        await().atMost(Duration.ofSeconds(10)).until(() -> client.status(xid).getPhaseTwoDone());
        assertThat(coordinator.metric("entente_raft_log_flushes_total")).isPositive();
    }

    @Test
    void rollbackPushesBranchRollback() {
        String xid = transactionWithPreparedBranches();

        OutcomeReply reply = client.rollback(xid, "the order was refused", true);

        assertThat(reply.getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(reply.getReason()).contains("the order was refused");
        assertThat(reply.getPhaseTwoDone()).isTrue();
        assertThat(orders.receivedFor(xid)).hasSize(2).allMatch(r -> r.action() == PhaseTwoAction.ROLLBACK);
        assertThat(stock.receivedFor(xid)).hasSize(1).allMatch(r -> r.action() == PhaseTwoAction.ROLLBACK);
    }

    @Test
    void aFailedBranchTurnsCommitIntoRollback() {
        String xid = TestTransactions.begin(client, "orders", 30_000);
        long ok = TestBranches.register(client, xid, ORDERS, orders.instanceId());
        long bad = TestBranches.register(client, xid, STOCK, stock.instanceId());
        client.reportBranch(xid, ok, BranchVote.PREPARED, "");
        client.reportBranch(xid, bad, BranchVote.FAILED, "deadlock detected");

        OutcomeReply reply = client.commit(xid, true);

        assertThat(reply.getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(reply.getReason()).contains("branch 2").contains(STOCK).contains("deadlock detected");
        assertThat(orders.receivedFor(xid)).extracting(FakeRm.Received::action).containsExactly(PhaseTwoAction.ROLLBACK);
    }

    @Test
    void votesCarriedByCommitCountAsReportedOnes() {
        String xid = TestTransactions.begin(client, "orders", 30_000);
        long reported = TestBranches.register(client, xid, ORDERS, orders.instanceId());
        long carried = TestBranches.register(client, xid, STOCK, stock.instanceId());
        client.reportBranch(xid, reported, BranchVote.PREPARED, "");

        OutcomeReply reply = client.commit(xid, true, List.of(vote(xid, carried, BranchVote.PREPARED)));

        assertThat(reply.getOutcome()).isEqualTo(Outcome.COMMITTED);
        assertThat(reply.getPhaseTwoDone()).isTrue();
        assertThat(stock.receivedFor(xid)).extracting(FakeRm.Received::action).containsExactly(PhaseTwoAction.COMMIT);
        assertThat(client.commit(xid, false, List.of(vote(xid, carried, BranchVote.PREPARED))).getOutcome())
                .as("a retried Commit with its votes").isEqualTo(Outcome.COMMITTED);
    }

    @Test
    void aFailedVoteCarriedByCommitTurnsItIntoRollback() {
        String xid = TestTransactions.begin(client, "orders", 30_000);
        long ok = TestBranches.register(client, xid, ORDERS, orders.instanceId());
        long bad = TestBranches.register(client, xid, STOCK, stock.instanceId());

        OutcomeReply reply = client.commit(xid, false, List.of(vote(xid, ok, BranchVote.PREPARED),
                vote(xid, bad, BranchVote.FAILED).toBuilder().setReason("deadlock detected").build()));

        assertThat(reply.getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(reply.getReason()).contains("branch 2").contains("deadlock detected");
    }

    @Test
    void aBranchThatFailedStaysFailedWhateverVoteComesLater() {
        String xid = TestTransactions.begin(client, "orders", 30_000);
        long ok = TestBranches.register(client, xid, ORDERS, orders.instanceId());
        long bad = TestBranches.register(client, xid, STOCK, stock.instanceId());
        client.reportBranch(xid, ok, BranchVote.PREPARED, "");
        client.reportBranch(xid, bad, BranchVote.FAILED, "deadlock detected");
        client.reportBranch(xid, bad, BranchVote.FAILED, "deadlock detected"); // a retry: taken again

        assertThatThrownBy(() -> client.reportBranch(xid, bad, BranchVote.PREPARED, ""))
                .isInstanceOf(CoordinatorException.class).hasMessageContaining("failed to prepare")
                .extracting(e -> ((CoordinatorException) e).code()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        OutcomeReply reply = client.commit(xid, false, List.of(vote(xid, bad, BranchVote.PREPARED)));

        assertThat(reply.getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(reply.getReason()).contains("branch 2").contains("deadlock detected");
    }

    @Test
    void aCommitCarryingAVoteOfAnotherTransactionIsRefused() {
        String xid = TestTransactions.begin(client, "orders", 30_000);
        String other = TestTransactions.begin(client, "orders", 30_000);
        long branch = TestBranches.register(client, xid, ORDERS, orders.instanceId());

        assertThatThrownBy(() -> client.commit(xid, false, List.of(vote(other, branch, BranchVote.PREPARED))))
                .isInstanceOfSatisfying(CoordinatorException.class, e -> {
                    assertThat(e.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).contains(other);
                });
        client.rollback(xid, "", false);
        client.rollback(other, "", false);
    }

    private static BranchReport vote(String xid, long branchId, BranchVote vote) {
        return BranchReport.newBuilder().setXid(xid).setBranchId(branchId).setVote(vote).build();
    }

    /** The vote of a branch that was never registered, as the owner's own branches vote: it names its place. */
    private static BranchReport unregisteredVote(String xid, long branchId, String resource, FakeRm rm) {
        return vote(xid, branchId, BranchVote.PREPARED).toBuilder().setResource(resource).setInstanceId(rm.instanceId()).build();
    }

    /**
     * Protocol v2: the owner's branches are never registered; their votes ride its Commit, and the
     * decision names them. A branch commits if and only if the commit decision names it: one whose
     * vote missed the decision is refused and, asked about, is rolled back, before and after phase 2.
     */
    @Test
    void unregisteredBranchesCommitWhenTheDecisionNamesThemAndABranchWhoseVoteMissedItRollsBack() {
        String xid = TestTransactions.begin(client, "orders", 30_000);

        OutcomeReply reply = client.commit(xid, false, List.of(unregisteredVote(xid, 41, ORDERS, orders),
                unregisteredVote(xid, 42, STOCK, stock)));

        assertThat(reply.getOutcome()).as(reply.getReason()).isEqualTo(Outcome.COMMITTED);
        // phase 2 reaches each RM over its own session, on a thread of its own: neither arrival tells of the other
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(orders.receivedFor(xid)).extracting(FakeRm.Received::branchId, FakeRm.Received::action)
                    .containsExactly(tuple(41L, PhaseTwoAction.COMMIT));
            assertThat(stock.receivedFor(xid)).extracting(FakeRm.Received::branchId, FakeRm.Received::action)
                    .containsExactly(tuple(42L, PhaseTwoAction.COMMIT));
        });

        // branch 43 prepared too, but its vote comes after the decision: it is not counted, and not committed
        assertThatThrownBy(() -> client.reportBranch(unregisteredVote(xid, 43, STOCK, stock)))
                .isInstanceOf(CoordinatorException.class).hasMessageContaining(xid);
        assertThat(client.status(xid, 42).getOutcome()).isEqualTo(Outcome.COMMITTED);
        OutcomeReply late = client.status(xid, 43);
        assertThat(late.getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(late.getReason()).contains("committed without branch 43").contains("missed the decision");

        // still so once phase 2 is finished and only the outcome is kept
        await().atMost(Duration.ofSeconds(30)).until(() -> client.status(xid).getPhaseTwoDone());
        assertThat(client.status(xid, 41).getOutcome()).isEqualTo(Outcome.COMMITTED);
        assertThat(client.status(xid, 43).getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(client.status(xid).getOutcome()).isEqualTo(Outcome.COMMITTED);
        assertThat(orders.receivedFor(xid)).hasSize(1);
        assertThat(stock.receivedFor(xid)).hasSize(1);
    }

    /**
     * Phase 2 by the owner's RM: a Commit naming the owner's instance leaves that instance's branches
     * to it (it finishes them right after the decision and says so unasked); the coordinator sends
     * commands only to the other branches, and to the owner's only if its acknowledgement does not come
     * within the ack timeout (5 s here).
     */
    @Test
    void theOwnersRmFinishesItsOwnBranchesAndIsSentTheirCommandOnlyIfItsAckDoesNotCome() {
        String acked = TestTransactions.begin(client, "orders", 30_000);
        OutcomeReply reply = client.commit(EndRequest.newBuilder().setXid(acked).setPhaseTwoByInstance(orders.instanceId())
                .addVotes(unregisteredVote(acked, 51, ORDERS, orders)).addVotes(unregisteredVote(acked, 52, STOCK, stock)).build());
        assertThat(reply.getOutcome()).as(reply.getReason()).isEqualTo(Outcome.COMMITTED);
        await().atMost(Duration.ofSeconds(10)).until(() -> !stock.receivedFor(acked).isEmpty());
        orders.session().acknowledge(acked, 51);
        await().atMost(Duration.ofSeconds(10)).until(() -> client.status(acked).getPhaseTwoDone());
        assertThat(stock.receivedFor(acked)).extracting(FakeRm.Received::branchId).containsExactly(52L);
        assertThat(orders.receivedFor(acked)).as("the owner's branch, finished by the owner").isEmpty();

        String silent = TestTransactions.begin(client, "orders", 30_000);
        long decided = System.nanoTime();
        client.commit(EndRequest.newBuilder().setXid(silent).setPhaseTwoByInstance(orders.instanceId())
                .addVotes(unregisteredVote(silent, 61, ORDERS, orders)).build());
        await().atMost(Duration.ofSeconds(20)).until(() -> !orders.receivedFor(silent).isEmpty());
        assertThat(Duration.ofNanos(System.nanoTime() - decided)).as("sent after the ack timeout").isGreaterThan(Duration.ofSeconds(4));
        assertThat(orders.receivedFor(silent)).extracting(FakeRm.Received::branchId, FakeRm.Received::action)
                .containsExactly(tuple(61L, PhaseTwoAction.COMMIT));
        await().atMost(Duration.ofSeconds(10)).until(() -> client.status(silent).getPhaseTwoDone());
    }

    /**
     * A called service's prepared branch is known to the coordinator only by the vote its response
     * returned to the owner: the owner's Rollback names it, and phase 2 rolls it back at once (it is
     * not left for its RM to find at the deadline); a Rollback naming none writes nothing.
     */
    @Test
    void aRollbackNamingACalledServicesPreparedBranchRollsItBackAtOnce() {
        String xid = TestTransactions.begin(client, "orders", 30_000);

        OutcomeReply reply = client.rollback(EndRequest.newBuilder().setXid(xid).setReason("the order was refused")
                .addVotes(unregisteredVote(xid, 81, STOCK, stock)).build());

        assertThat(reply.getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
        await().atMost(Duration.ofSeconds(10)).until(() -> !stock.receivedFor(xid).isEmpty());
        assertThat(stock.receivedFor(xid)).extracting(FakeRm.Received::branchId, FakeRm.Received::action)
                .containsExactly(tuple(81L, PhaseTwoAction.ROLLBACK));
        assertThat(client.status(xid, 81).getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
    }

    /** An unasked acknowledgement from an instance that is not the owner's counts for nothing. */
    @Test
    void anUnaskedAckFromAnotherInstanceDoesNotFinishABranch() {
        String xid = TestTransactions.begin(client, "orders", 30_000);
        client.commit(EndRequest.newBuilder().setXid(xid).setPhaseTwoByInstance(orders.instanceId())
                .addVotes(unregisteredVote(xid, 71, ORDERS, orders)).build());

        stock.session().acknowledge(xid, 71);

        await().atMost(Duration.ofSeconds(20)).until(() -> !orders.receivedFor(xid).isEmpty());
        assertThat(orders.receivedFor(xid)).extracting(FakeRm.Received::branchId).containsExactly(71L);
    }

    @Test
    void aBranchThatNeverPreparedTurnsCommitIntoRollback() {
        String xid = TestTransactions.begin(client, "orders", 30_000);
        TestBranches.register(client, xid, ORDERS, orders.instanceId());

        OutcomeReply reply = client.commit(xid, false);

        assertThat(reply.getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(reply.getReason()).contains("never prepared");
    }

    @Test
    void readOnlyBranchesSkipPhaseTwo() {
        String xid = TestTransactions.begin(client, "orders", 30_000);
        long readOnly = TestBranches.register(client, xid, ORDERS, orders.instanceId());
        long written = TestBranches.register(client, xid, STOCK, stock.instanceId());
        client.reportBranch(xid, readOnly, BranchVote.READ_ONLY, "");
        client.reportBranch(xid, written, BranchVote.PREPARED, "");

        assertThat(client.commit(xid, true).getOutcome()).isEqualTo(Outcome.COMMITTED);
        assertThat(orders.receivedFor(xid)).isEmpty();
        assertThat(stock.receivedFor(xid)).hasSize(1);
    }

    @Test
    void retriedCommitAndRollbackGetTheSameAnswer() {
        String committed = transactionWithPreparedBranches();
        assertThat(client.commit(committed, false).getOutcome()).isEqualTo(Outcome.COMMITTED);
        assertThat(client.commit(committed, false).getOutcome()).isEqualTo(Outcome.COMMITTED);
        assertThat(client.rollback(committed, "too late", false).getOutcome()).isEqualTo(Outcome.COMMITTED);

        String rolledBack = transactionWithPreparedBranches();
        assertThat(client.rollback(rolledBack, "changed my mind", false).getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
        OutcomeReply commitAfterAbort = client.commit(rolledBack, false);
        assertThat(commitAfterAbort.getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(commitAfterAbort.getReason()).contains("changed my mind");
    }

    @Test
    void aTransactionWhoseTmFallsSilentTimesOutAndItsBranchesRollBack() {
        String xid = TestTransactions.begin(client, "orders", 700);
        long branch = TestBranches.register(client, xid, ORDERS, orders.instanceId());
        client.reportBranch(xid, branch, BranchVote.PREPARED, "");
        // the TM never calls Commit or Rollback

        await().atMost(Duration.ofSeconds(10)).until(() -> !orders.receivedFor(xid).isEmpty());
        assertThat(orders.receivedFor(xid)).extracting(FakeRm.Received::action).containsOnly(PhaseTwoAction.ROLLBACK);
        OutcomeReply late = client.commit(xid, false);
        assertThat(late.getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(late.getReason()).contains("timed out: its deadline passed");
        assertThat(coordinator.metric("entente_transactions_timed_out_total")).isPositive();
    }

    @Test
    void phaseTwoIsRetriedUntilTheRmAcknowledges() {
        FakeRm flaky = new FakeRm(client, "payment", "payment-1", Set.of("postgresql://127.0.0.1:5432/payment")).connect();
        try {
            flaky.acknowledge(false);
            String xid = TestTransactions.begin(client, "orders", 30_000);
            long branch = TestBranches.register(client, xid, "postgresql://127.0.0.1:5432/payment", flaky.instanceId());
            client.reportBranch(xid, branch, BranchVote.PREPARED, "");
            assertThat(client.commit(xid, false).getOutcome()).isEqualTo(Outcome.COMMITTED);

            await().atMost(Duration.ofSeconds(10)).until(() -> flaky.receivedFor(xid).size() >= 3);
            assertThat(client.status(xid).getPhaseTwoDone()).isFalse();

            flaky.acknowledge(true);
            await().atMost(Duration.ofSeconds(30)).until(() -> client.status(xid).getPhaseTwoDone());
        } finally {
            flaky.close();
        }
    }

    @Test
    void anRmSessionThatDropsAndReconnectsStillReceivesPendingCommands() {
        String resource = "mariadb://127.0.0.1:3306/shipping";
        FakeRm shipping = new FakeRm(client, "shipping", "shipping-1", Set.of(resource)).connect();
        String xid = TestTransactions.begin(client, "orders", 30_000);
        long branch = TestBranches.register(client, xid, resource, shipping.instanceId());
        client.reportBranch(xid, branch, BranchVote.PREPARED, "");
        shipping.disconnect();

        assertThat(client.commit(xid, false).getOutcome()).isEqualTo(Outcome.COMMITTED);
        assertThat(client.status(xid).getPhaseTwoDone()).isFalse();

        FakeRm again = new FakeRm(client, "shipping", "shipping-1", Set.of(resource)).connect();
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> !again.receivedFor(xid).isEmpty());
            assertThat(again.receivedFor(xid)).first().extracting(FakeRm.Received::action).isEqualTo(PhaseTwoAction.COMMIT);
            await().atMost(Duration.ofSeconds(10)).until(() -> client.status(xid).getPhaseTwoDone());
        } finally {
            again.close();
        }
    }

    @Test
    void anotherLiveInstanceOfTheResourceFinishesTheBranch() {
        String resource = "postgresql://127.0.0.1:5432/ledger";
        FakeRm first = new FakeRm(client, "ledger", "ledger-1", Set.of(resource)).connect();
        FakeRm second = new FakeRm(client, "ledger", "ledger-2", Set.of(resource)).connect();
        try {
            String xid = TestTransactions.begin(client, "ledger", 30_000);
            long branch = TestBranches.register(client, xid, resource, first.instanceId());
            client.reportBranch(xid, branch, BranchVote.PREPARED, "");
            first.disconnect();

            assertThat(client.commit(xid, true).getPhaseTwoDone()).isTrue();
            assertThat(second.receivedFor(xid)).extracting(FakeRm.Received::action).containsExactly(PhaseTwoAction.COMMIT);
        } finally {
            first.close();
            second.close();
        }
    }

    /**
     * With no Begin, the coordinator first hears of a transaction at its Commit; until its deadline an
     * RM finding its branch in doubt is told to wait (ACTIVE), after it the answer is a final rollback
     * (written, so the Commit that comes late meets it).
     */
    @Test
    void anXidNoDecisionNamesIsActiveUntilItsDeadlineThenAbortedForTheRmThatAsks() {
        String xid = TestTransactions.begin(client, "orders", 1_000);
        assertThat(client.status(xid, 1, true).getOutcome()).isEqualTo(Outcome.ACTIVE);

        await().atMost(Duration.ofSeconds(10)).until(() -> System.currentTimeMillis() > Xids.deadlineMillis(xid));
        assertThat(client.status(xid, 1, false).getOutcome()).as("asked without abortIfUndecided").isEqualTo(Outcome.UNKNOWN);
        OutcomeReply aborted = client.status(xid, 1, true);
        assertThat(aborted.getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(aborted.getReason()).contains("past its deadline");
        OutcomeReply late = client.commit(EndRequest.newBuilder().setXid(xid).setOwnerOnly(true).addVotes(BranchReport.newBuilder()
                .setXid(xid).setBranchId(1).setVote(BranchVote.PREPARED).setResource(ORDERS).setInstanceId(orders.instanceId()))
                .build());
        assertThat(late.getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(client.status(xid, 1, false).getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
    }

    @Test
    void registeringABranchAfterTheDecisionIsRefused() {
        String xid = transactionWithPreparedBranches();
        client.commit(xid, false);

        assertThatThrownBy(() -> TestBranches.register(client, xid, ORDERS, orders.instanceId()))
                .isInstanceOf(CoordinatorException.class)
                .hasMessageContaining(xid)
                .extracting(e -> ((CoordinatorException) e).code()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    }
}
