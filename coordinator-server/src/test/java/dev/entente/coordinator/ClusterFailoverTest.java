package dev.entente.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.entente.coordinator.testing.FakeRm;
import dev.entente.coordinator.testing.LeaderFailOver;
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
import dev.entente.testkit.CoordinatorCluster;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.TcpProxy;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A three-node coordinator cluster of real JVM processes, whose nodes are killed with SIGKILL. */
@Timeout(240)
class ClusterFailoverTest {

    private static final String ORDERS = "postgresql://127.0.0.1:5432/orders";
    private static final String STOCK = "mariadb://127.0.0.1:3306/stock";

    @TempDir
    Path work;
    CoordinatorCluster cluster;
    CoordinatorClient client;
    FakeRm orders;
    FakeRm stock;

    @BeforeEach
    void start() {
        cluster = new CoordinatorCluster(work, 3, "--snapshot-threshold", "20").start();
        client = CoordinatorClient.connect(cluster.addresses());
        orders = new FakeRm(client, "orders", "orders-1", Set.of(ORDERS)).connect();
        stock = new FakeRm(client, "inventory", "inventory-1", Set.of(STOCK)).connect();
    }

    @AfterEach
    void stop() {
        orders.close();
        stock.close();
        client.close();
        cluster.close();
    }

    private String preparedTransaction() {
        String xid = TestTransactions.begin(client, "bank", 60_000);
        client.reportBranch(xid, TestBranches.register(client, xid, ORDERS, orders.instanceId()), BranchVote.PREPARED, "");
        client.reportBranch(xid, TestBranches.register(client, xid, STOCK, stock.instanceId()), BranchVote.PREPARED, "");
        return xid;
    }

    @Test
    void aClientGivenOnlyAFollowersAddressFollowsItToTheLeader() {
        CoordinatorProcess follower = cluster.followers(cluster.awaitLeader()).get(0);
        try (CoordinatorClient viaFollower = CoordinatorClient.connect(follower.clientAddress())) {
            String xid = TestTransactions.begin(viaFollower, "bank", 10_000);
            assertThat(viaFollower.rollback(xid, "", false).getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
            assertThat(viaFollower.leaderAddress()).isNotEqualTo(follower.clientAddress());
        }
        assertThat(follower.admin("/cluster")).contains("\"role\" : \"FOLLOWER\"").contains("\"serving\" : false");
    }

    @Test
    void aClientGivenProxiesReachesTheLeaderOnlyThroughThem() throws Exception {
        List<TcpProxy> proxies = new ArrayList<>();
        for (CoordinatorProcess node : cluster.nodes()) {
            String address = node.clientAddress();
            proxies.add(new TcpProxy("127.0.0.1", Integer.parseInt(address.substring(address.lastIndexOf(':') + 1))));
        }
        // the first address is a follower's: its hint names the leader's own address, which this client must not use
        CoordinatorProcess follower = cluster.followers(cluster.awaitLeader()).get(0);
        proxies.add(0, proxies.remove(cluster.nodes().indexOf(follower)));
        List<String> addresses = proxies.stream().map(TcpProxy::address).toList();
        try (CoordinatorClient viaProxies = new CoordinatorClient(addresses, Duration.ofSeconds(3), Duration.ofSeconds(2))) {
            String xid = TestTransactions.begin(viaProxies, "bank", 10_000);
            assertThat(viaProxies.rollback(xid, "", false).getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
            assertThat(addresses).contains(viaProxies.leaderAddress());

            proxies.forEach(TcpProxy::cut);
            // the leader still serves at its own address, which this client must not fall back to
            assertThatThrownBy(() -> viaProxies.status(xid)).isInstanceOf(CoordinatorException.class);
            assertThat(addresses).contains(viaProxies.leaderAddress());
        } finally {
            proxies.forEach(TcpProxy::close);
        }
    }

    @Test
    void aNewLeaderFinishesPhaseTwoOfADecisionCommittedBeforeTheOldLeaderDied() {
        String xid = LeaderFailOver.commitThenKillTheLeader(cluster, client, orders, this::preparedTransaction).xid();
        assertThat(orders.receivedFor(xid)).last().extracting(FakeRm.Received::action).isEqualTo(PhaseTwoAction.COMMIT);
    }

    /**
     * Its participants' registrations died with the leader: the next one refuses its Commit, and once
     * its deadline has passed, an RM asking about its prepared branch gets a final rollback (written,
     * so no Commit can follow).
     */
    @Test
    void aTransactionUndecidedWhenTheLeaderDiesEndsAborted() {
        String xid = TestTransactions.begin(client, "bank", 4_000);
        long branch = TestBranches.register(client, xid, ORDERS, orders.instanceId());
        client.reportBranch(xid, branch, BranchVote.PREPARED, "");

        cluster.awaitLeader().kill9();
        cluster.awaitLeader();

        assertThatThrownBy(() -> client.commit(xid, false))
                .isInstanceOf(CoordinatorException.class)
                .hasMessageContaining(xid).hasMessageContaining("presumed aborted")
                .extracting(e -> ((CoordinatorException) e).code()).isEqualTo(Status.Code.NOT_FOUND);
        await().atMost(Duration.ofSeconds(30)).until(() -> System.currentTimeMillis() > Xids.deadlineMillis(xid));
        OutcomeReply inDoubt = client.status(xid, branch, true);
        assertThat(inDoubt.getOutcome()).as(inDoubt.getReason()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(inDoubt.getReason()).contains("past its deadline");
        assertThat(client.commit(commitCarrying(xid, branch, true)).getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(orders.receivedFor(xid)).noneMatch(r -> r.action() == PhaseTwoAction.COMMIT);
    }

    /**
     * A transaction whose XID never left its owner (its branches vote with its Commit) loses nothing
     * with the leader that granted its session: the next leader commits it. One whose XID did leave
     * (a participant may have told the old leader of a branch) is refused.
     */
    @Test
    void aTransactionOnlyItsOwnerKnewCommitsAtTheNextLeader() {
        String ownerOnly = TestTransactions.begin(client, "bank", 60_000);
        String shared = TestTransactions.begin(client, "bank", 60_000);

        cluster.awaitLeader().kill9();
        cluster.awaitLeader();

        OutcomeReply committed = client.commit(commitCarrying(ownerOnly, 1, true));
        assertThat(committed.getOutcome()).as(committed.getReason()).isEqualTo(Outcome.COMMITTED);
        await().atMost(Duration.ofSeconds(30)).until(() -> !orders.receivedFor(ownerOnly).isEmpty());
        assertThat(orders.receivedFor(ownerOnly)).extracting(FakeRm.Received::action).containsOnly(PhaseTwoAction.COMMIT);
        assertThatThrownBy(() -> client.commit(commitCarrying(shared, 1, false)))
                .isInstanceOf(CoordinatorException.class).hasMessageContaining("presumed aborted")
                .extracting(e -> ((CoordinatorException) e).code()).isEqualTo(Status.Code.NOT_FOUND);
    }

    /** The Commit of {@code xid} carrying branch {@code branch}'s PREPARED vote on ORDERS. */
    private EndRequest commitCarrying(String xid, long branch, boolean ownerOnly) {
        return EndRequest.newBuilder().setXid(xid).setOwnerOnly(ownerOnly).addVotes(BranchReport.newBuilder().setXid(xid)
                .setBranchId(branch).setVote(BranchVote.PREPARED).setResource(ORDERS).setInstanceId(orders.instanceId())).build();
    }

    @Test
    void survivesOneNodeDownFailsFastWithTwoDownAndKeepsEveryDecisionAcrossRestarts() {
        List<String> committed = new ArrayList<>();
        List<String> rolledBack = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            String xid = preparedTransaction();
            client.commit(xid, false);
            committed.add(xid);
        }
        CoordinatorProcess leader = cluster.awaitLeader();
        CoordinatorProcess firstDown = cluster.followers(leader).get(0);
        firstDown.kill9();

        for (int i = 0; i < 15; i++) { // one node down: service continues (and snapshots are taken)
            String xid = preparedTransaction();
            assertThat(client.commit(xid, true).getOutcome()).isEqualTo(Outcome.COMMITTED);
            committed.add(xid);
            String abandoned = preparedTransaction();
            client.rollback(abandoned, "test", false);
            rolledBack.add(abandoned);
        }

        orders.acknowledge(false); // leave some decisions with phase 2 unfinished
        String unfinished = preparedTransaction();
        client.commit(unfinished, false);
        committed.add(unfinished);

        CoordinatorProcess secondDown = cluster.followers(leader).stream().filter(CoordinatorProcess::isAlive).findFirst().orElseThrow();
        secondDown.kill9();
        CoordinatorClient impatient = new CoordinatorClient(List.of(cluster.addresses().split(",")),
                Duration.ofSeconds(5), Duration.ofSeconds(3));
        long started = System.nanoTime();
        assertThatThrownBy(() -> {
            String xid = TestTransactions.begin(impatient, "bank", 10_000);
            impatient.commit(xid, false);
        }).isInstanceOf(CoordinatorException.class)
                .satisfies(e -> assertThat(((CoordinatorException) e).isUnavailable()).isTrue());
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
        impatient.close();

        for (CoordinatorProcess node : cluster.nodes()) {
            node.kill9();
        }
        orders.acknowledge(true);
        cluster.nodes().forEach(CoordinatorProcess::start);
        cluster.awaitLeader();

        for (String xid : committed) {
            assertThat(client.status(xid).getOutcome()).as(xid).isEqualTo(Outcome.COMMITTED);
        }
        for (String xid : rolledBack) {
            assertThat(client.status(xid).getOutcome()).as(xid).isEqualTo(Outcome.ROLLED_BACK);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> client.status(unfinished).getPhaseTwoDone());
        assertThat(work.resolve("n1").toFile().toPath()).isDirectory();
        assertThat(snapshotFiles()).as("snapshots taken").isPositive();
    }

    private long snapshotFiles() {
        try (var files = java.nio.file.Files.walk(work)) {
            return files.filter(p -> p.getFileName().toString().startsWith("snapshot.")).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
