package dev.entente.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.entente.coordinator.testing.FakeRm;
import dev.entente.coordinator.testing.TestBranches;
import dev.entente.coordinator.testing.TestTransactions;
import dev.entente.protocol.BranchVote;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.PhaseTwoAction;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.testkit.CoordinatorCluster;
import dev.entente.testkit.CoordinatorProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What docs/operations.md says of the data directory: a node rebuilt from nothing, and a cluster restored from a backup. */
@Timeout(300)
class BackupRestoreTest {

    private static final String ORDERS = "postgresql://127.0.0.1:5432/orders";

    @TempDir
    Path work;

    private static String committed(CoordinatorClient client, FakeRm rm) {
        String xid = TestTransactions.begin(client, "shop", 60_000);
        client.reportBranch(xid, TestBranches.register(client, xid, ORDERS, rm.instanceId()), BranchVote.PREPARED, "");
        assertThat(client.commit(xid, false).getOutcome()).isEqualTo(Outcome.COMMITTED);
        return xid;
    }

    @Test
    void aNodeStartedWithAnEmptyDataDirectoryCatchesUpFromTheLeader() throws IOException {
        try (CoordinatorCluster cluster = new CoordinatorCluster(work, 3, "--snapshot-threshold", "20").start();
             CoordinatorClient client = CoordinatorClient.connect(cluster.addresses());
             FakeRm rm = new FakeRm(client, "shop", "shop-1", Set.of(ORDERS)).connect()) {
            for (int i = 0; i < 30; i++) {
                committed(client, rm);
            }
            CoordinatorProcess leader = cluster.awaitLeader();
            CoordinatorProcess lost = cluster.followers(leader).get(0);
            lost.kill9();
            deleteRecursively(work.resolve(lost.name()));
            committed(client, rm);

            lost.start();
            long leaderCommit = number(leader.admin("/cluster"), "commitIndex");
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> number(lost.admin("/cluster"), "appliedIndex") >= leaderCommit);
            assertThat(lost.admin("/cluster")).contains("\"role\" : \"FOLLOWER\"");
        }
    }

    @Test
    void aClusterRestoredFromABackupKeepsTheDecisionsItHoldsAndFinishesTheirPhaseTwo() throws IOException {
        Path backup = work.resolve("backup");
        try (CoordinatorCluster cluster = new CoordinatorCluster(work, 3).start();
             CoordinatorClient client = CoordinatorClient.connect(cluster.addresses());
             FakeRm rm = new FakeRm(client, "shop", "shop-1", Set.of(ORDERS)).connect()) {
            List<String> before = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                before.add(committed(client, rm));
            }
            rm.acknowledge(false);
            String unfinished = committed(client, rm);

            CoordinatorProcess follower = cluster.followers(cluster.awaitLeader()).get(0);
            follower.close(); // stopped, so its copy is consistent
            copyRecursively(work.resolve(follower.name()), backup);
            follower.start();
            String afterBackup = committed(client, rm);

            // every node's data lost at once: all are stopped and get the backup
            cluster.nodes().forEach(CoordinatorProcess::close);
            for (CoordinatorProcess node : cluster.nodes()) {
                deleteRecursively(work.resolve(node.name()));
                copyRecursively(backup, work.resolve(node.name()));
            }
            rm.acknowledge(true);
            cluster.start();

            for (String xid : before) {
                assertThat(client.status(xid).getOutcome()).isEqualTo(Outcome.COMMITTED);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> client.status(unfinished).getPhaseTwoDone());
            assertThat(rm.receivedFor(unfinished)).extracting(FakeRm.Received::action).containsOnly(PhaseTwoAction.COMMIT);
            // what was decided after the backup is lost, as the docs warn: the restored cluster knows no
            // decision for it, and until its deadline it could still take one (ACTIVE)
            assertThat(client.status(afterBackup).getOutcome()).isEqualTo(Outcome.ACTIVE);
        }
    }

    private static long number(String json, String field) {
        Matcher matcher = Pattern.compile("\"" + field + "\" : (-?\\d+)").matcher(json);
        assertThat(matcher.find()).as(field + " in " + json).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    private static void copyRecursively(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
