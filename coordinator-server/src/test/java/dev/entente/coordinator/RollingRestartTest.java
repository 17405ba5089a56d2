package dev.entente.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entente.coordinator.testing.FakeRm;
import dev.entente.coordinator.testing.TestBranches;
import dev.entente.coordinator.testing.TestTransactions;
import dev.entente.protocol.BranchVote;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.protocol.client.CoordinatorException;
import dev.entente.testkit.CoordinatorCluster;
import dev.entente.testkit.CoordinatorProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling restart: each node of a three-node cluster is stopped with SIGTERM and started again in
 * turn, the leader among them, while clients run transactions that are mid-way (begun, branches
 * prepared, not yet committed) at every moment. A stopped leader lets its undecided transactions be
 * decided and hands leadership on before it exits, so every transaction ends as its application asked.
 */
@Timeout(400)
class RollingRestartTest {

    private static final String ORDERS = "postgresql://127.0.0.1:5432/orders";
    private static final int CLIENTS = 3;

    /** Kept when the test fails: the nodes' logs say what each did when it was stopped. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    /** What one transaction's application asked for, and what it got. */
    private record Ended(String xid, Outcome wanted, String got) {
    }

    @Test
    void restartingEveryNodeInTurnUnderLoadEndsEveryTransactionAsItsApplicationAsked() throws Exception {
        try (CoordinatorCluster cluster = new CoordinatorCluster(work, 3).start();
             CoordinatorClient client = CoordinatorClient.connect(cluster.addresses());
             FakeRm orders = new FakeRm(client, "orders", "orders-1", Set.of(ORDERS)).connect()) {
            AtomicBoolean running = new AtomicBoolean(true);
            Queue<Ended> ended = new ConcurrentLinkedQueue<>();
            AtomicInteger numbers = new AtomicInteger();
            List<Thread> load = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                Thread thread = new Thread(() -> {
                    while (running.get()) {
                        ended.add(transaction(client, orders, numbers.incrementAndGet()));
                    }
                }, "rolling-restart-client-" + c);
                thread.start();
                load.add(thread);
            }

            List<String> stopped = new ArrayList<>();
            boolean leaderStopped = false;
            for (int round = 0; round < cluster.nodes().size(); round++) {
                CoordinatorProcess leader = cluster.awaitEveryNodeFollowsTheLeader();
                int before = ended.size();
                while (ended.size() < before + 10) { // some load between restarts
                    Thread.sleep(50);
                }
                // the leader first whenever it has not been restarted yet: that is the case to prove
                CoordinatorProcess next = stopped.contains(leader.name()) ? cluster.nodes().stream()
                        .filter(n -> !stopped.contains(n.name())).findFirst().orElseThrow() : leader;
                leaderStopped |= next == leader;
                next.stop();
                next.start();
                stopped.add(next.name());
            }
            cluster.awaitEveryNodeFollowsTheLeader();
            running.set(false);
            for (Thread thread : load) {
                thread.join();
            }

            List<Ended> wrong = ended.stream().filter(e -> !e.got().equals(e.wanted().name()))
                    .map(e -> unknownOutcome(e) ? new Ended(e.xid(), e.wanted(), e.got() + ", Status says "
                            + client.status(e.xid()).getOutcome()) : e)
                    .filter(e -> !e.got().endsWith("Status says " + e.wanted()))
                    .toList();
            System.out.printf("rolling restart of %s (the leader first that was not restarted yet): %d transactions, %d rolled back "
                    + "as asked, %d not as asked%n", stopped, ended.size(),
                    ended.stream().filter(e -> e.wanted() == Outcome.ROLLED_BACK).count(), wrong.size());
            assertThat(leaderStopped).as("the leader was among the nodes stopped").isTrue();
            assertThat(ended).as("transactions run during the restarts").hasSizeGreaterThan(40);
            assertThat(ended.stream().filter(e -> e.wanted() == Outcome.ROLLED_BACK)).isNotEmpty();
            assertThat(wrong).as("transactions that did not end as their application asked, of %d; restarted %s; logs in %s",
                    ended.size(), stopped, work).isEmpty();
        }
    }

    /**
     * Begins, registers and prepares a branch, waits a little (so transactions are undecided at any
     * moment), then commits or, every fifth, rolls back as its application decided to.
     */
    private static Ended transaction(CoordinatorClient client, FakeRm orders, int number) {
        Outcome wanted = number % 5 == 0 ? Outcome.ROLLED_BACK : Outcome.COMMITTED;
        String xid = "(none: Begin failed)";
        try {
            xid = TestTransactions.begin(client, "bank", 30_000);
            long branch = TestBranches.register(client, xid, ORDERS, orders.instanceId());
            client.reportBranch(xid, branch, BranchVote.PREPARED, "");
            Thread.sleep(150);
            Outcome got = wanted == Outcome.COMMITTED
                    ? client.commit(xid, false).getOutcome()
                    : client.rollback(xid, "the application changed its mind", false).getOutcome();
            return new Ended(xid, wanted, got.name());
        } catch (CoordinatorException e) {
            return new Ended(xid, wanted, e.code() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Ended(xid, wanted, "interrupted");
        }
    }

    /** A call that ran out of retries (UNAVAILABLE) leaves the outcome to be asked for; any other answer is final. */
    private static boolean unknownOutcome(Ended ended) {
        return ended.got().startsWith("UNAVAILABLE") && !ended.xid().startsWith("(none");
    }
}
