package dev.entente.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entente.coordinator.testing.TestTransactions;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.testkit.CoordinatorCluster;
import dev.entente.testkit.CoordinatorProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that was away for a long time is a full member again as soon as it is back: killed, away
 * 75 s while the others decide (so its log is behind), started again, and the leader killed 3 s
 * later; the returning node and the other survivor elect a new leader. Its log is not empty, so its
 * vote counts even if the leader had not reached it yet. (A node that never held the log is the
 * case this cannot cover: see coordinator.md, "Limits".)
 */
@Timeout(300)
class LateNodeElectionTest {

    /** Long enough for gRPC's reconnect backoff to the missing node to grow past the election patience. */
    private static final Duration AWAY = Duration.ofSeconds(75);
    private static final Duration ELECTION_PATIENCE = Duration.ofSeconds(25);

    /** Kept when the test fails: the nodes' logs (with Ratis' election logs) are there. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    @Test
    void aNodeBackAfterALongAbsenceAndTheOtherSurvivorElectANewLeaderWhenTheLeaderDies() throws InterruptedException {
        try (CoordinatorCluster cluster = new CoordinatorCluster(work, 3).start();
             CoordinatorClient client = CoordinatorClient.connect(cluster.addresses())) {
            List<CoordinatorProcess> nodes = cluster.nodes();
            decide(client, 5, "before n3 left");
            CoordinatorProcess late = cluster.followers(cluster.awaitLeader()).get(0);
            late.kill9();
            CoordinatorProcess leader = cluster.awaitLeader();
            decide(client, 20, "while " + late.name() + " is away");
            Thread.sleep(AWAY.toMillis());

            late.start();
            Thread.sleep(3_000); // a few election timeouts
            leader.kill9();

            long deadline = System.nanoTime() + ELECTION_PATIENCE.toNanos();
            CoordinatorProcess newLeader = null;
            while (newLeader == null && System.nanoTime() < deadline) {
                newLeader = nodes.stream().filter(n -> n != leader && n.isServing()).findFirst().orElse(null);
                Thread.sleep(200);
            }
            List<CoordinatorProcess> survivors = nodes.stream().filter(n -> n != leader).toList();
            assertThat(newLeader).as("a leader among the two survivors within %s of the leader's death; logs in %s; they say:%n%s%n%s",
                    ELECTION_PATIENCE, work, survivors.get(0).logTail(30), survivors.get(1).logTail(30)).isNotNull();
        }
    }

    /**
     * {@code count} decisions in the log: a transaction's rollback writes one once a participant named it
     * (the registration brings it to the coordinator; one only its owner knows is rolled back unwritten).
     */
    private static void decide(CoordinatorClient client, int count, String when) {
        for (int i = 0; i < count; i++) {
            String xid = TestTransactions.begin(client, "late-node", 60_000);
            client.registerBranch(xid, 1, "late-node-db", "late-node-rm");
            client.rollback(xid, "the test only needs log entries (" + when + ")", false);
        }
    }
}
