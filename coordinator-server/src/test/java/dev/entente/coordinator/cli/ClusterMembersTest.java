package dev.entente.coordinator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.entente.coordinator.cli.TxRunner.Run;
import dev.entente.coordinator.testing.FakeRm;
import dev.entente.coordinator.testing.TestBranches;
import dev.entente.coordinator.testing.TestTransactions;
import dev.entente.protocol.BranchVote;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.client.ClientSecurity;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.testkit.CoordinatorCluster;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.CoordinatorSecurity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code entente cluster add|remove|list} under load: a three-node cluster grows to five and shrinks to three
 * other nodes while transactions commit; none is aborted by a change, none decided is lost, and the new
 * members alone (with the one old node left) elect a leader that knows every decision.
 */
@Timeout(400)
class ClusterMembersTest {

    private static final String ORDERS = "postgresql://7288466107932014612/orders";
    private static final String TOKEN = "members-admin-token-0123456789";

    @TempDir
    Path work;

    /** Transactions committed one after another until stopped; what each came to. */
    private static final class Load implements Runnable {
        final Queue<String> committed = new ConcurrentLinkedQueue<>();
        final Queue<String> notCommitted = new ConcurrentLinkedQueue<>();
        final AtomicBoolean running = new AtomicBoolean(true);
        private final CoordinatorClient client;

        Load(CoordinatorClient client) {
            this.client = client;
        }

        @Override
        public void run() {
            while (running.get()) {
                String xid = null;
                try {
                    xid = TestTransactions.begin(client, "shop", 60_000);
                    client.reportBranch(xid, TestBranches.register(client, xid, ORDERS, "shop-1"), BranchVote.PREPARED, "");
                    Outcome outcome = client.commit(xid, false).getOutcome();
                    (outcome == Outcome.COMMITTED ? committed : notCommitted).add(xid + " " + outcome);
                } catch (RuntimeException e) {
                    notCommitted.add(xid + " " + e);
                }
            }
        }
    }

    @Test
    void threeNodesGrowToFiveAndShrinkToThreeUnderLoad() throws Exception {
        Path token = work.resolve("admin-token");
        Files.writeString(token, TOKEN);
        try (CoordinatorCluster cluster = new CoordinatorCluster(work, 3, "--snapshot-threshold", "50",
                "--log-segment-size", "65536", "--admin-token-file", token.toString()).start()) {
            List<CoordinatorProcess> original = List.copyOf(cluster.nodes());
            CoordinatorProcess n4 = cluster.addNode(); // not started yet, not members
            CoordinatorProcess n5 = cluster.addNode();
            try (CoordinatorClient client = CoordinatorClient.connect(cluster.addresses());
                 FakeRm rm = new FakeRm(client, "shop", "shop-1", Set.of(ORDERS)).connect()) {
                underLoad(cluster, original, n4, n5, client, token);
            }
        }
    }

    private static void underLoad(CoordinatorCluster cluster, List<CoordinatorProcess> original, CoordinatorProcess n4,
                                  CoordinatorProcess n5, CoordinatorClient client, Path token) throws Exception {
        {
            Load load = new Load(client);
            Thread loader = new Thread(load, "load");
            loader.start();
            // past a few log files and snapshots: the leader has let the log's beginning go
            await().atMost(Duration.ofSeconds(120)).until(() -> load.committed.size() >= 400);
            CoordinatorProcess leader = cluster.awaitLeader();
            Map<String, String> env = Map.of("ENTENTE_ADMIN", original.get(0).adminAddress() + "," + original.get(1).adminAddress(),
                    "ENTENTE_ADMIN_TOKEN_FILE", token.toString());

            for (CoordinatorProcess joining : List.of(n4, n5)) {
                joining.start();
                Run add = TxRunner.cluster(env, "add", joining.name() + "=" + cluster.raftAddresses().get(joining.name()));
                assertThat(add.status()).as(add.err()).isZero();
                assertThat(add.out()).contains(joining.name() + " ").contains(cluster.raftAddresses().get(joining.name()));
                int committedBefore = load.committed.size();
                await().atMost(Duration.ofSeconds(60)).until(() -> load.committed.size() >= committedBefore + 30);
            }
            Run five = TxRunner.cluster(env, "list");
            assertThat(five.status()).as(five.err()).isZero();
            assertThat(five.out()).contains("leader " + leader.name()).contains("n1 ", "n2 ", "n3 ", "n4 ", "n5 ");
            // the new nodes caught up from a snapshot: the log before it was gone
            assertThat(Files.readString(n4.logFile())).contains("the transaction table was loaded from the snapshot at log index");

            Run again = TxRunner.cluster(env, "add", "n4=" + cluster.raftAddresses().get("n4"));
            assertThat(again.status()).isEqualTo(1);
            assertThat(again.err()).contains("node n4 is a member already");
            Run leaderOut = TxRunner.cluster(env, "remove", leader.name());
            assertThat(leaderOut.status()).isEqualTo(1);
            assertThat(leaderOut.err()).contains("node " + leader.name() + " leads; restart it first");
            Run unknown = TxRunner.cluster(env, "remove", "n9");
            assertThat(unknown.status()).isEqualTo(1);
            assertThat(unknown.err()).contains("node n9 is not a member [n1, n2, n3, n4, n5]");

            for (CoordinatorProcess leaving : original.stream().filter(node -> node != leader).toList()) {
                Run remove = TxRunner.cluster(Map.of("ENTENTE_ADMIN", n4.adminAddress(), "ENTENTE_ADMIN_TOKEN_FILE",
                        token.toString()), "remove", leaving.name());
                assertThat(remove.status()).as(remove.err()).isZero();
                assertThat(remove.out()).doesNotContain(leaving.name() + " ");
                cluster.forget(leaving);
                int committedBefore = load.committed.size();
                await().atMost(Duration.ofSeconds(60)).until(() -> load.committed.size() >= committedBefore + 30);
            }
            Run three = TxRunner.cluster(Map.of("ENTENTE_ADMIN", n5.adminAddress(), "ENTENTE_ADMIN_TOKEN_FILE",
                    token.toString()), "list");
            assertThat(three.out().lines().filter(line -> line.matches("n\\d .*")).map(line -> line.substring(0, 2))
                    .collect(Collectors.toSet())).containsExactlyInAnyOrder(leader.name(), "n4", "n5");

            // the two new nodes are a majority of the three: without the old leader they elect one that knows every decision
            load.running.set(false);
            loader.join(30_000);
            leader.kill9();
            CoordinatorProcess next = cluster.awaitLeader();
            assertThat(next.name()).isIn("n4", "n5");
            assertThat(load.notCommitted).as("transactions not committed while the members changed").isEmpty();
            for (String xid : load.committed) {
                assertThat(client.status(xid.substring(0, xid.indexOf(' '))).getOutcome()).as(xid).isEqualTo(Outcome.COMMITTED);
            }
            assertThat(load.committed.size()).isGreaterThan(500);
        }
    }

    @Test
    void aNodeWithACertificateOfItsOwnJoinsASecuredCluster() throws Exception {
        Path token = work.resolve("admin-token");
        Files.writeString(token, TOKEN);
        CoordinatorSecurity security = CoordinatorSecurity.create(work.resolve("tls")).app("shop");
        // each node presents a certificate naming its own id only: n4's names none of the first three
        List<String> args = new ArrayList<>(security.perNodeArgs("n1", "n2", "n3", "n4"));
        args.addAll(List.of("--admin-token-file", token.toString()));
        ClientSecurity shop = ClientSecurity.tls("tls-ca", security.authority())
                .withSecret("shop", "secret-file", security.secretFile("shop"));
        try (CoordinatorCluster cluster = new CoordinatorCluster(work, 3, args.toArray(String[]::new)).start()) {
            CoordinatorProcess leader = cluster.awaitLeader();
            CoordinatorProcess n4 = cluster.addNode().start();
            CoordinatorClient client = CoordinatorClient.connect(cluster.addresses(), shop); // n4 among them
            String before = TestTransactions.begin(client, "shop", 60_000);
            assertThat(client.commit(before, false).getOutcome()).isEqualTo(Outcome.COMMITTED);
            Map<String, String> env = Map.of("ENTENTE_ADMIN", cluster.followers(leader).get(0).adminAddress(),
                    "ENTENTE_ADMIN_TOKEN_FILE", token.toString(), "ENTENTE_TLS_CA", security.authority().toString());

            Run add = TxRunner.cluster(env, "add", "n4=" + cluster.raftAddresses().get("n4"));
            assertThat(add.status()).as(add.err()).isZero();
            await().atMost(Duration.ofSeconds(60)).until(() -> n4.admin("/cluster").contains("\"leaderId\" : \"" + leader.name()));
            CoordinatorProcess leaving = cluster.followers(leader).stream().filter(node -> node != n4).findFirst().orElseThrow();
            Run remove = TxRunner.cluster(env, "remove", leaving.name());
            assertThat(remove.status()).as(remove.err()).isZero();
            cluster.forget(leaving);

            // the old leader gone, n4 and the other first node elect a leader over mutual TLS
            leader.kill9();
            CoordinatorProcess next = cluster.awaitLeader();
            assertThat(next).isNotSameAs(leader);
            assertThat(client.status(before).getOutcome()).isEqualTo(Outcome.COMMITTED);
            String after = TestTransactions.begin(client, "shop", 60_000);
            assertThat(client.commit(after, false).getOutcome()).isEqualTo(Outcome.COMMITTED);
            client.close();
        }
    }
}
