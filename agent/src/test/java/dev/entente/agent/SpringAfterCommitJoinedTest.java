package dev.entente.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.entente.agent.apps.SpringJoinedCaller;
import dev.entente.agent.apps.SpringJoinedStockApp;
import dev.entente.agent.testing.ServiceProcess;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.Rows;
import dev.entente.testkit.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spring's after-commit callbacks in a service that <em>joined</em> a global transaction over HTTP
 * ({@link SpringJoinedStockApp}, MariaDB), begun by another service ({@link SpringJoinedCaller}, PostgreSQL):
 * Spring's commit there only prepares the branch, so the callbacks wait for phase 2 to reach that service, and run
 * then on a thread of their own, seeing the row committed; when the caller rolls back, only the rollback callbacks
 * run; a local rollback in the joined service is Spring's as always; a local transaction with no branch there
 * learns the outcome from the coordinator at the transaction's deadline. Both services in JVMs of their own with
 * the agent, the databases and the coordinator real.
 */
@Timeout(300)
class SpringAfterCommitJoinedTest {

    @TempDir
    static Path work;
    static String postgres;
    static String mariadb;
    static CoordinatorProcess coordinator;
    static ServiceProcess stock;
    static String callerOutput;

    @BeforeAll
    static void run() {
        postgres = TestDatabases.postgres().createDatabase("spring_joined");
        mariadb = TestDatabases.mariadb().createDatabase("spring_joined");
        coordinator = CoordinatorProcess.dev(work).start().awaitServing();
        String agent = "coordinator=" + coordinator.clientAddress();
        stock = ServiceProcess.start(work, "spring-joined-stock", agent + ",app=stock", SpringJoinedStockApp.class, mariadb);
        callerOutput = ServiceProcess.run(work, "spring-joined-caller", agent + ",app=orders", SpringJoinedCaller.class,
                postgres, stock.baseUrl());
    }

    @AfterAll
    static void stop() {
        if (stock != null) {
            stock.close();
        }
        if (coordinator != null) {
            coordinator.close();
        }
    }

    @Test
    void afterTheGlobalCommitTheCallbacksRunOnceTheirBranchCommittedOnTheirOwnThread() throws Exception {
        assertThat(callerOutput).contains("returned 1");
        assertThat(callbacksOf(1, 3)).containsExactlyInAnyOrder("1 synchronization afterCommit mariadb=true thread=callbacks",
                "1 synchronization afterCompletion COMMITTED mariadb=true thread=callbacks",
                "1 event AFTER_COMMIT mariadb=true thread=callbacks");
        assertThat(Rows.column(postgres, "select id from ledger")).contains("1");
    }

    @Test
    void whenTheCallerRollsBackOnlyTheRollbackCallbacksRun() throws Exception {
        assertThat(callerOutput).contains("threw 2: java.lang.IllegalStateException");
        assertThat(callbacksOf(2, 2)).containsExactlyInAnyOrder(
                "2 synchronization afterCompletion ROLLED_BACK mariadb=false thread=callbacks",
                "2 event AFTER_ROLLBACK mariadb=false thread=callbacks");
        assertThat(Rows.column(mariadb, "select id from stock")).doesNotContain("2");
    }

    @Test
    void aLocalRollbackInTheJoinedServiceIsSpringsOwnAsAlways() {
        assertThat(callerOutput).contains("threw 3: java.lang.IllegalStateException: the stock service answered 500");
        assertThat(callbacksOf(3, 2)).containsExactlyInAnyOrder(
                "3 synchronization afterCompletion ROLLED_BACK mariadb=false thread=request",
                "3 event AFTER_ROLLBACK mariadb=false thread=request");
    }

    @Test
    void aLocalTransactionWithoutABranchLearnsTheOutcomeFromTheCoordinatorAtTheDeadline() throws Exception {
        assertThat(callerOutput).contains("returned 4");
        assertThat(callbacksOf(4, 3)).containsExactlyInAnyOrder("4 synchronization afterCommit mariadb=false thread=callbacks",
                "4 synchronization afterCompletion COMMITTED mariadb=false thread=callbacks",
                "4 event AFTER_COMMIT mariadb=false thread=callbacks");
        assertThat(Rows.column(postgres, "select id from ledger")).contains("4");
    }

    /** The callback lines of row {@code id} the stock service printed, once there are {@code expected} of them. */
    private static List<String> callbacksOf(int id, int expected) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(lines(id)).as(stock.log() + "\n---- the caller:\n" + callerOutput).hasSizeGreaterThanOrEqualTo(expected));
        // a moment more: a callback that should not run (afterCommit after a rollback) would show by now
        await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
        return lines(id);
    }

    private static List<String> lines(int id) {
        return stock.log().lines().filter(line -> line.startsWith(id + " ")).toList();
    }
}
