package dev.entente.coordinator.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.entente.protocol.Outcome;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.testkit.CoordinatorCluster;
import dev.entente.testkit.CoordinatorProcess;
import java.time.Duration;
import java.util.function.Supplier;

/** The fail-over the cluster tests share: a leader killed after a commit decision, before its phase 2 finished. */
public final class LeaderFailOver {

    private LeaderFailOver() {
    }

    /**
     * Commits a {@code prepared} transaction while {@code rm} cannot finish phase 2, kills the leader
     * with SIGKILL, and checks that a new leader answers the TM's retried Commit with COMMITTED and
     * finishes phase 2. Returns the XID and the killed node.
     */
    public static Result commitThenKillTheLeader(CoordinatorCluster cluster, CoordinatorClient tm, FakeRm rm,
                                                 Supplier<String> prepared) {
        rm.acknowledge(false); // phase 2 cannot finish while the first leader lives
        String xid = prepared.get();
        assertThat(tm.commit(xid, false).getOutcome()).isEqualTo(Outcome.COMMITTED);
        await().atMost(Duration.ofSeconds(10)).until(() -> !rm.receivedFor(xid).isEmpty());

        CoordinatorProcess oldLeader = cluster.awaitLeader();
        oldLeader.kill9();
        rm.acknowledge(true);

        CoordinatorProcess newLeader = cluster.awaitLeader();
        assertThat(newLeader).isNotSameAs(oldLeader);
        // the TM, unsure whether its Commit went through, retries it against whichever node answers
        assertThat(tm.commit(xid, false).getOutcome()).isEqualTo(Outcome.COMMITTED);
        await().atMost(Duration.ofSeconds(30)).until(() -> tm.status(xid).getPhaseTwoDone());
        return new Result(xid, oldLeader);
    }

    public record Result(String xid, CoordinatorProcess killed) {
    }
}
