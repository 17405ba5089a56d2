package dev.entente.coordinator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.entente.coordinator.NodeOptions;
import dev.entente.coordinator.cli.TxRunner.Run;
import dev.entente.coordinator.testing.FakeRm;
import dev.entente.coordinator.testing.StuckTransactions;
import dev.entente.coordinator.testing.TestBranches;
import dev.entente.coordinator.testing.TestTransactions;
import dev.entente.options.InvalidOption;
import dev.entente.protocol.BranchVote;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.OutcomeReply;
import dev.entente.protocol.PhaseTwoAction;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.testkit.CoordinatorCluster;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code entente cluster snapshot} against a running three-node cluster, and a fresh cluster started from
 * the backup with {@code --restore-from}: every decision is back, and so is every unfinished phase 2.
 */
@Timeout(400)
class ClusterSnapshotTest {

    private static final String ORDERS = "postgresql://7288466107932014612/orders";
    private static final String PAYMENTS = "mariadb://server-9/payments";
    private static final String TOKEN = "snapshot-admin-token-0123456789";

    @TempDir
    Path work;

    @Test
    void aFreshClusterRestoredFromAnOnlineBackupHasEveryDecisionAndFinishesEveryPhaseTwo() throws Exception {
        Path token = work.resolve("admin-token");
        Files.writeString(token, TOKEN);
        Path backup = work.resolve("backup");
        Map<String, Outcome> finished = new LinkedHashMap<>();
        Map<String, PhaseTwoAction> unfinished = new LinkedHashMap<>();
        String clusterId;
        String afterBackup;
        try (CoordinatorCluster original = new CoordinatorCluster(work.resolve("original"), 3, "--cluster-id", "shop",
                "--admin-token-file", token.toString()).start();
             CoordinatorClient client = CoordinatorClient.connect(original.addresses());
             FakeRm rm = new FakeRm(client, "shop", "shop-1", Set.of(ORDERS)).connect()) {
            clusterId = original.clusterId();
            for (int i = 0; i < 4; i++) {
                finished.put(decided(client, Outcome.COMMITTED), Outcome.COMMITTED);
            }
            finished.put(decided(client, Outcome.ROLLED_BACK), Outcome.ROLLED_BACK);
            await().atMost(Duration.ofSeconds(30)).until(() -> finished.keySet().stream()
                    .allMatch(xid -> client.status(xid).getPhaseTwoDone()));
            // phase 2 left unfinished: a participant that does not acknowledge, a database no RM reaches
            rm.acknowledge(false);
            unfinished.put(decided(client, Outcome.COMMITTED), PhaseTwoAction.COMMIT);
            unfinished.put(decided(client, Outcome.ROLLED_BACK), PhaseTwoAction.ROLLBACK);
            unfinished.put(new StuckTransactions(client).committedInDoubt("charge", "shop", PAYMENTS), PhaseTwoAction.COMMIT);

            CoordinatorProcess follower = original.followers(original.awaitLeader()).get(0);
            Map<String, String> env = Map.of("ENTENTE_ADMIN", follower.adminAddress(), "ENTENTE_ADMIN_TOKEN_FILE", token.toString());
            Run snapshot = TxRunner.cluster(env, "snapshot", "--out", backup.toString());
            assertThat(snapshot.status()).as(snapshot.err()).isZero();
            assertThat(snapshot.out()).contains("the snapshot of cluster " + clusterId + " at log index ")
                    .contains("to " + backup);
            assertThat(backup.resolve("backup.properties")).content().contains("cluster-id=" + clusterId);
            try (var files = Files.list(backup)) {
                assertThat(files.toList()).hasSize(3).allSatisfy(file -> assertThat(Files.getPosixFilePermissions(file))
                        .as(file.toString()).isEqualTo(PosixFilePermissions.fromString("rw-------")));
            }
            assertThat(Files.getPosixFilePermissions(backup)).isEqualTo(PosixFilePermissions.fromString("rwx------"));

            Run again = TxRunner.cluster(env, "snapshot", "--out", backup.toString());
            assertThat(again.status()).isEqualTo(2);
            assertThat(again.err()).contains("--out: " + backup + " is not empty");
            Path wrongToken = work.resolve("wrong-token");
            Files.writeString(wrongToken, "not-the-admin-token-0123456789");
            Run refused = TxRunner.cluster(Map.of("ENTENTE_ADMIN", follower.adminAddress(),
                    "ENTENTE_ADMIN_TOKEN_FILE", wrongToken.toString()), "snapshot", "--out", work.resolve("refused").toString());
            assertThat(refused.status()).isEqualTo(1);
            assertThat(Files.exists(work.resolve("refused"))).isFalse();

            afterBackup = decided(client, Outcome.COMMITTED);
        }

        Path restoredWork = work.resolve("restored");
        try (CoordinatorCluster restored = new CoordinatorCluster(restoredWork, 3, "--cluster-id", "shop",
                "--admin-token-file", token.toString(), "--restore-from", backup.toString()).start();
             CoordinatorClient client = CoordinatorClient.connect(restored.addresses())) {
            assertThat(restored.clusterId()).isEqualTo(clusterId);
            finished.forEach((xid, outcome) -> {
                OutcomeReply status = client.status(xid);
                assertThat(status.getOutcome()).as(xid).isEqualTo(outcome);
                assertThat(status.getPhaseTwoDone()).as(xid).isTrue();
            });
            unfinished.forEach((xid, action) -> {
                OutcomeReply status = client.status(xid);
                assertThat(status.getOutcome()).as(xid)
                        .isEqualTo(action == PhaseTwoAction.COMMIT ? Outcome.COMMITTED : Outcome.ROLLED_BACK);
                assertThat(status.getPhaseTwoDone()).as(xid).isFalse();
            });
            // what was decided after the backup is not in it
            // the restored cluster knows no decision for it, and until its deadline it could still take one
            assertThat(client.status(afterBackup).getOutcome()).isEqualTo(Outcome.ACTIVE);

            try (FakeRm rm = new FakeRm(client, "shop", "shop-2", Set.of(ORDERS, PAYMENTS)).connect()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> unfinished.keySet().stream()
                        .allMatch(xid -> client.status(xid).getPhaseTwoDone()));
                unfinished.forEach((xid, action) -> assertThat(rm.receivedFor(xid)).extracting(FakeRm.Received::action)
                        .as(xid).containsOnly(action));
                String next = decided(client, Outcome.COMMITTED);
                assertThat(next).startsWith(clusterId);
            }

            // a restored node restarted with the same options starts from its own log, which has moved on
            CoordinatorProcess node = restored.followers(restored.awaitLeader()).get(0);
            node.kill9();
            node.start();
            restored.awaitEveryNodeFollowsTheLeader();
            assertThat(Files.readString(node.logFile()).split("starts from the snapshot of cluster", -1)).as("restores in "
                    + node.logFile()).hasSize(2);
        }

        // a data folder that holds another log is never overwritten by a restore
        List<String> args = new ArrayList<>(List.of("--node-id", "n1", "--peers", "n1=127.0.0.1:" + FreePorts.next(),
                "--port", String.valueOf(FreePorts.next()), "--admin-port", String.valueOf(FreePorts.next()),
                "--data-dir", work.resolve("original").resolve("n1").toString(), "--insecure", "--cluster-id", "shop",
                "--restore-from", backup.toString()));
        CoordinatorProcess onAnotherLog = new CoordinatorProcess("another-log", work, 0, 0, args);
        assertThat(onAnotherLog.runToExit()).isEqualTo(1);
        assertThat(onAnotherLog.logTail(20)).contains("already holds a log; a restore starts from an empty data folder");
    }

    @Test
    void aRestoreNeedsABackupOfAClusterOfTheSameName(@TempDir Path elsewhere) throws Exception {
        assertThatThrownBy(() -> NodeOptions.parse("--dev", "--restore-from", elsewhere.toString()))
                .isInstanceOf(InvalidOption.class)
                .hasMessage("--restore-from: " + elsewhere + " is not a backup: it has no backup.properties "
                        + "(entente cluster snapshot --out FOLDER writes one)");

        Path token = work.resolve("admin-token");
        Files.writeString(token, TOKEN);
        Path backup = work.resolve("backup");
        String clusterId;
        try (CoordinatorProcess node = CoordinatorProcess.dev(work, "--cluster-id", "shop", "--admin-token-file",
                token.toString()).start().awaitServing()) {
            clusterId = node.clusterId();
            Run snapshot = TxRunner.cluster(Map.of("ENTENTE_ADMIN", node.adminAddress()), "snapshot", "--out",
                    backup.toString(), "--admin-token-file", token.toString());
            assertThat(snapshot.status()).as(snapshot.err()).isZero();
        }
        assertThatThrownBy(() -> NodeOptions.parse("--dev", "--data-dir", work.resolve("new").toString(),
                "--restore-from", backup.toString()))
                .isInstanceOf(InvalidOption.class)
                .hasMessage("--restore-from: " + backup + " is a backup of cluster " + clusterId + ", not of a cluster named "
                        + "'entente' (--cluster-id); start the restored cluster with the name of the one backed up");
        assertThat(NodeOptions.parse("--dev", "--cluster-id", "shop", "--restore-from", backup.toString()).restoreFrom())
                .hasValueSatisfying(restore -> assertThat(restore.clusterId()).isEqualTo(clusterId));

        Files.writeString(backup.resolve(Files.list(backup).filter(f -> f.getFileName().toString().matches("snapshot\\.\\d+_\\d+"))
                .findFirst().orElseThrow().getFileName()), "damaged", java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> NodeOptions.parse("--dev", "--cluster-id", "shop", "--restore-from", backup.toString()))
                .isInstanceOf(InvalidOption.class).hasMessageContaining(backup + " is damaged");
    }

    @Test
    void aSnapshotNeedsTheAdminTokenAndAFolder() {
        Run noToken = TxRunner.cluster(Map.of(), "snapshot", "--out", work.resolve("b").toString());
        assertThat(noToken.status()).isEqualTo(2);
        assertThat(noToken.err()).contains("snapshot needs the admin token: give --admin-token-file F");
        Run noFolder = TxRunner.cluster(Map.of(), "snapshot");
        assertThat(noFolder.status()).isEqualTo(2);
        assertThat(noFolder.err()).contains("snapshot needs --out FOLDER");
        Run unknown = TxRunner.cluster(Map.of(), "backup");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown command 'backup' (list, add, remove or snapshot)");
    }

    /** A transaction with one prepared branch on ORDERS, decided {@code outcome}. */
    private static String decided(CoordinatorClient client, Outcome outcome) {
        String xid = TestTransactions.begin(client, "shop", 60_000);
        client.reportBranch(xid, TestBranches.register(client, xid, ORDERS, "shop-1"), BranchVote.PREPARED, "");
        OutcomeReply reply = outcome == Outcome.COMMITTED ? client.commit(xid, false) : client.rollback(xid, "test", false);
        assertThat(reply.getOutcome()).as(xid).isEqualTo(outcome);
        return xid;
    }
}
