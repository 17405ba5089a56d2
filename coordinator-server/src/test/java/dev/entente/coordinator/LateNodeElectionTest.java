package dev.entente.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

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
 * A node that was away for a long time is a full member again as soon as it is back: the leader,
 * which had been failing to reach it, sends it the log within a second or so, and the other nodes'
 * connections to it, which backed off while it could not be reached, try again at once. So when the
 * leader dies right after it returned, it and the other survivor elect a new leader. The node here
 * was never started before, the hardest case: until it has the log its vote does not count.
 */
@Timeout(300)
class LateNodeElectionTest {

    /** Long enough for gRPC's reconnect backoff to the missing node to grow past half a minute. */
    private static final Duration AWAY = Duration.ofSeconds(75);
    private static final Duration ELECTION_PATIENCE = Duration.ofSeconds(25);

    /** Kept when the test fails: the nodes' logs (with Ratis' election logs) are there. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    @Test
    void aNodeBackAfterALongAbsenceAndTheOtherSurvivorElectANewLeaderWhenTheLeaderDies() throws InterruptedException {
        try (CoordinatorCluster cluster = new CoordinatorCluster(work, 3)) {
            List<CoordinatorProcess> nodes = cluster.nodes();
            CoordinatorProcess late = nodes.get(2);
            List.of(nodes.get(0), nodes.get(1)).parallelStream().forEach(CoordinatorProcess::start);
            CoordinatorProcess leader = cluster.awaitLeader();
            try (CoordinatorClient client = CoordinatorClient.connect(cluster.addresses())) {
                for (int i = 0; i < 20; i++) {
                    client.begin("while n3 is away " + i, 60_000, "late-node");
                }
            }
            Thread.sleep(AWAY.toMillis());

            late.start();
            Thread.sleep(3_000); // a few election timeouts: time for the leader to reach it
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
}
