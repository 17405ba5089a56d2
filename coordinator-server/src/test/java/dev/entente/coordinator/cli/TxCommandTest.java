package dev.entente.coordinator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entente.coordinator.cli.TxRunner.Run;
import dev.entente.coordinator.testing.FakeRm;
import dev.entente.coordinator.testing.StuckTransactions;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.PhaseTwoAction;
import dev.entente.protocol.Xids;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code entente tx list|show|resolve} against a real coordinator process, with a real admin token. */
@Timeout(180)
class TxCommandTest {

    @TempDir
    static Path work;
    static Path tokenFile;
    static CoordinatorProcess coordinator;
    static CoordinatorClient client;
    static FakeRm rm;
    static StuckTransactions stuck;

    @BeforeAll
    static void start() throws Exception {
        tokenFile = work.resolve("admin-token");
        Files.writeString(tokenFile, "cli-test-token-0123456789\n");
        coordinator = CoordinatorProcess.dev(work, "--admin-token-file", tokenFile.toString()).start().awaitServing();
        client = CoordinatorClient.connect(coordinator.clientAddress());
        rm = new FakeRm(client, "cli-test", "cli-rm-1", Set.of("cli-db")).connect();
        stuck = new StuckTransactions(client);
    }

    @AfterAll
    static void stop() {
        rm.close();
        client.close();
        coordinator.close();
    }

    static Run tx(Map<String, String> env, String... args) {
        return TxRunner.run(env, args);
    }

    static Run tx(String... args) {
        return tx(Map.of("ENTENTE_ADMIN", coordinator.adminAddress(), "ENTENTE_ADMIN_TOKEN_FILE", tokenFile.toString()), args);
    }

    @Test
    void listAndShowAnUndecidedTransactionWithItsBranches() {
        String xid = stuck.undecided("place-order", "shop", rm.instanceId(), "cli-db");
        Run list = tx("list");
        assertThat(list.status()).as(list.err()).isZero();
        assertThat(list.out()).contains("XID").contains("BRANCHES")
                .containsPattern(xid.replace(".", "\\.") + "\\s+ACTIVE\\s+shop\\s+\\d+ s\\s+1:cli-db PREPARED");
        Run show = tx("show", xid);
        assertThat(show.status()).as(show.err()).isZero();
        assertThat(show.out()).contains("xid:        " + xid).contains("state:      ACTIVE").contains("app:        shop")
                .containsPattern("1\\s+cli-db\\s+cli-rm-1\\s+PREPARED");
        assertThat(tx("resolve", xid, "--rollback").status()).isZero();
    }

    @Test
    void resolveRollbackSettlesAnUndecidedTransactionAndDrivesPhaseTwo() {
        String xid = stuck.undecided("stuck-rollback", "shop", rm.instanceId(), "cli-db");
        Run resolve = tx("resolve", xid, "--rollback");
        assertThat(resolve.status()).as(resolve.err()).isZero();
        assertThat(resolve.out()).contains(xid + ": ROLLED_BACK").contains("by an operator");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !rm.receivedFor(xid).isEmpty());
        assertThat(rm.receivedFor(xid)).extracting(FakeRm.Received::action).containsOnly(PhaseTwoAction.ROLLBACK);
        // the TM that comes back later is told the outcome that stands
        assertThat(client.commit(xid, false).getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(client.commit(xid, false).getReason()).contains("resolved by an operator");
        // the coordinator's log line carries the XID from the MDC, in the pattern's [XID] field
        assertThat(coordinator.logTail(500)).containsPattern("INFO\\s+ActiveTransactions \\[" + xid.replace(".", "\\.")
                + "\\] - transaction .* resolved by an operator");
    }

    @Test
    void resolveCommitNeedsEveryBranchPrepared() {
        String prepared = stuck.undecided("stuck-commit", "shop", rm.instanceId(), "cli-db");
        Run commit = tx("resolve", prepared, "--commit");
        assertThat(commit.status()).as(commit.err()).isZero();
        assertThat(commit.out()).contains(prepared + ": COMMITTED");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !rm.receivedFor(prepared).isEmpty());
        assertThat(rm.receivedFor(prepared)).extracting(FakeRm.Received::action).containsOnly(PhaseTwoAction.COMMIT);

        String unprepared = stuck.undecidedUnprepared("half-done", "shop", "cli-db");
        Run refused = tx("resolve", unprepared, "--commit");
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.err()).contains("cannot commit " + unprepared).contains("branch 1 on cli-db has not prepared")
                .contains("only a rollback");
        assertThat(client.status(unprepared).getOutcome()).isEqualTo(Outcome.ACTIVE);
        assertThat(tx("resolve", unprepared, "--rollback").status()).isZero();
    }

    @Test
    void anInDoubtCommitCannotBeRolledBackButItsPhaseTwoCanBeDrivenAgain() {
        String xid = stuck.committedInDoubt("orphaned", "shop", "cli-orphan-db");
        Run list = tx("list");
        assertThat(list.out()).containsPattern(xid.replace(".", "\\.") + "\\s+COMMITTED, in doubt");
        Run show = tx("show", xid);
        assertThat(show.out()).contains("COMMITTED, in doubt").contains("waiting for an RM session serving cli-orphan-db");

        Run rollback = tx("resolve", xid, "--rollback");
        assertThat(rollback.status()).isEqualTo(1);
        assertThat(rollback.err()).contains("cannot roll back " + xid).contains("the outcome that stands is COMMITTED");

        Run commit = tx("resolve", xid, "--commit");
        assertThat(commit.status()).as(commit.err()).isZero();
        assertThat(commit.out()).contains(xid + ": COMMITTED").contains("phase 2 sent again");

        try (FakeRm late = new FakeRm(client, "cli-test", "cli-rm-2", Set.of("cli-orphan-db")).connect()) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> client.status(xid).getPhaseTwoDone());
            assertThat(late.receivedFor(xid)).extracting(FakeRm.Received::action).contains(PhaseTwoAction.COMMIT);
        }
        Run done = tx("show", xid);
        assertThat(done.out()).contains("COMMITTED, finished");
        assertThat(tx("resolve", xid, "--commit").out()).contains("nothing to do");
    }

    @Test
    void aBranchWhoseRmReachesAnotherDatabaseStaysInDoubtWithTheReasonShownAndCounted() {
        try (FakeRm moved = new FakeRm(client, "cli-test", "cli-rm-moved", Set.of("cli-moved-db")).connect()) {
            moved.reachAnotherDatabase(true);
            long before = wrongDatabaseCount();
            String xid = stuck.committedInDoubt("moved", "shop", "cli-moved-db");
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> moved.receivedFor(xid).size() >= 2);

            Run show = tx("show", xid);
            assertThat(show.out()).contains("COMMITTED, in doubt").contains("not acknowledged yet (failed at the RM)")
                    .contains("branch 1, last phase-2 failure: the database reached is not cli-moved-db (as told)");
            assertThat(wrongDatabaseCount()).isGreaterThan(before);
            assertThat(client.status(xid).getPhaseTwoDone()).isFalse();

            moved.reachAnotherDatabase(false); // the right database answers again
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> client.status(xid).getPhaseTwoDone());
            assertThat(tx("show", xid).out()).contains("COMMITTED, finished");
        }
    }

    private static long wrongDatabaseCount() {
        return coordinator.metric("entente_phase_two_wrong_database_total");
    }

    @Test
    void anUnknownXidIsNamed() {
        String unknown = Xids.format(coordinator.clusterId(), 1, 1, 424242, System.currentTimeMillis() - 60_000);
        Run show = tx("show", unknown);
        assertThat(show.status()).isEqualTo(1);
        assertThat(show.err()).contains(unknown).contains("unknown");
        Run resolve = tx("resolve", unknown, "--rollback");
        assertThat(resolve.status()).isEqualTo(1);
        assertThat(resolve.err()).contains(unknown).contains("unknown").contains("nothing to resolve");
        Run malformed = tx("show", "not-an-xid");
        assertThat(malformed.status()).isEqualTo(1);
        assertThat(malformed.err()).contains("'not-an-xid' is not an XID");
    }

    @Test
    void badCommandLinesAreRefusedWithTheOptionNamed() {
        assertThat(tx("resolve", "entente:1:1")).satisfies(run -> {
            assertThat(run.status()).isEqualTo(2);
            assertThat(run.err()).contains("say --commit or --rollback").contains("usage: entente tx");
        });
        assertThat(tx("resolve", "entente:1:1", "--commit", "--rollback").err()).contains("give one of --commit and --rollback");
        assertThat(tx("list", "--verbose").err()).contains("--verbose: unknown option");
        assertThat(tx("list", "entente:1:1").err()).contains("list takes no XID");
        assertThat(tx("show").err()).contains("show needs exactly one XID");
        assertThat(tx("list", "--commit").err()).contains("only resolve takes an outcome");
        assertThat(tx("frobnicate").err()).contains("unknown command 'frobnicate'");
        assertThat(tx("list", "--admin").err()).contains("--admin: needs a value");
    }

    @Test
    void resolveWithoutOrWithAWrongTokenIsRefused() throws Exception {
        String xid = stuck.undecided("guarded", "shop", rm.instanceId(), "cli-db");
        Run missing = tx(Map.of("ENTENTE_ADMIN", coordinator.adminAddress()), "resolve", xid, "--rollback");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("resolve needs the admin token").contains("--admin-token-file");

        Path wrong = work.resolve("wrong-token");
        Files.writeString(wrong, "not-the-right-token-at-all");
        Run refused = tx(Map.of("ENTENTE_ADMIN", coordinator.adminAddress(), "ENTENTE_ADMIN_READ_TOKEN_FILE",
                        coordinator.readTokenFile().orElseThrow().toString()), "resolve", xid, "--rollback",
                "--admin-token-file", wrong.toString());
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.err()).contains("resolve " + xid).contains("does not match");
        // without the read token, the wrong admin token does not even find the leader
        Run unread = tx(Map.of("ENTENTE_ADMIN", coordinator.adminAddress()), "resolve", xid, "--rollback",
                "--admin-token-file", wrong.toString());
        assertThat(unread.status()).isEqualTo(1);
        assertThat(unread.err()).contains("refused: /cluster: the token matches neither");
        assertThat(client.status(xid).getOutcome()).isEqualTo(Outcome.ACTIVE);
        assertThat(tx("resolve", xid, "--rollback").status()).isZero();
    }

    /** Issue 18 item 3: list and show need the read token (or the admin token); the read token reads alone. */
    @Test
    void listAndShowNeedTheReadToken() {
        String xid = stuck.undecided("read-guarded", "shop", rm.instanceId(), "cli-db");
        Run none = tx(Map.of("ENTENTE_ADMIN", coordinator.adminAddress()), "show", xid);
        assertThat(none.status()).isEqualTo(1);
        assertThat(none.err()).contains("needs the read token").contains("--admin-read-token-file").doesNotContain("cli-db");
        Run read = tx(Map.of("ENTENTE_ADMIN", coordinator.adminAddress()), "show", xid,
                "--admin-read-token-file", coordinator.readTokenFile().orElseThrow().toString());
        assertThat(read.status()).as(read.err()).isZero();
        assertThat(read.out()).contains(xid).contains("cli-db");
        assertThat(tx("resolve", xid, "--rollback").status()).isZero();
    }

    @Test
    void anUnreachableCoordinatorIsNamed() {
        String nobody = "127.0.0.1:" + FreePorts.next();
        Map<String, String> env = new HashMap<>(Map.of("ENTENTE_ADMIN", nobody));
        Run run = tx(env, "list");
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains("cannot reach the coordinator admin port at " + nobody);
        // any reachable address of the list will do
        Run second = tx(Map.of("ENTENTE_ADMIN_TOKEN_FILE", tokenFile.toString()), "list", "--admin", nobody + "," + coordinator.adminAddress());
        assertThat(second.status()).as(second.err()).isZero();
    }
}
