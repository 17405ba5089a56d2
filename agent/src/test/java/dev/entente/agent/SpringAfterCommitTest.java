package dev.entente.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entente.agent.apps.SpringAfterCommitApp;
import dev.entente.agent.testing.ServiceProcess;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.Rows;
import dev.entente.testkit.TestDatabases;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spring's after-commit callbacks ({@code TransactionSynchronization.afterCommit} / {@code afterCompletion},
 * {@code @TransactionalEventListener}) of a local transaction that ends inside a global one run once the global
 * outcome is known, on the thread of the {@code @GlobalTransactional} method, before it returns: after a
 * commit they see every database's row committed; after a rollback (the global method failing after the local
 * commit, or another branch failing) {@code afterCommit} and {@code AFTER_COMMIT} never run. Without a global
 * transaction they run at Spring's commit, as always. One application JVM with the agent
 * ({@link SpringAfterCommitApp}), PostgreSQL, MariaDB and a coordinator, all real.
 */
@Timeout(300)
class SpringAfterCommitTest {

    @TempDir
    static Path work;
    static String output;
    static String postgres;
    static String mariadb;

    @BeforeAll
    static void run() {
        postgres = TestDatabases.postgres().createDatabase("spring_after_commit");
        mariadb = TestDatabases.mariadb().createDatabase("spring_after_commit");
        try (CoordinatorProcess coordinator = CoordinatorProcess.dev(work).start().awaitServing()) {
            output = ServiceProcess.run(work, "spring-after-commit", "coordinator=" + coordinator.clientAddress(),
                    SpringAfterCommitApp.class, postgres, mariadb);
        }
    }

    @Test
    void afterAGlobalCommitTheCallbacksSeeEveryDatabaseCommittedBeforeTheMethodReturns() throws SQLException {
        assertThat(linesOf(1)).containsExactlyInAnyOrderElementsOf(committedCallbacks(1, "pg=true mariadb=true", "returned 1"));
        assertThat(ids(postgres, "ledger")).contains("1");
        assertThat(ids(mariadb, "stock")).contains("1");
    }

    @Test
    void withBothAnnotationsOnOneMethodTooTheyRunAfterTheGlobalCommit() {
        assertThat(linesOf(4)).containsExactlyInAnyOrderElementsOf(committedCallbacks(4, "pg=true mariadb=true", "returned 4"));
    }

    @Test
    void whenTheGlobalMethodFailsAfterTheLocalCommitOnlyTheRollbackCallbacksRun() throws SQLException {
        assertThat(linesOf(2)).containsExactlyInAnyOrderElementsOf(rolledBackCallbacks(2,
                "threw 2: java.lang.IllegalStateException"));
        assertThat(ids(postgres, "ledger")).doesNotContain("2");
    }

    @Test
    void whenAnotherBranchFailsOnlyTheRollbackCallbacksRun() throws SQLException {
        assertThat(linesOf(3)).containsExactlyInAnyOrderElementsOf(rolledBackCallbacks(3,
                "caught 3: stock fails after its insert (as asked)", "threw 3: dev.entente.api.TransactionRolledBackException"));
        assertThat(ids(postgres, "ledger")).doesNotContain("3");
    }

    @Test
    void withoutAGlobalTransactionTheyRunAtSpringsCommitAsAlways() {
        assertThat(linesOf(5)).containsExactlyInAnyOrderElementsOf(committedCallbacks(5, "pg=true mariadb=false", "returned 5"));
        assertThat(output).contains("done");
    }

    /** The lines of call {@code id} whose callbacks ran for a commit, seeing the rows as {@code seen}, then {@code more}. */
    private static List<String> committedCallbacks(int id, String seen, String... more) {
        String after = " " + seen + " xid=none thread=main";
        return lines(List.of(id + " synchronization afterCommit" + after, id + " synchronization afterCompletion COMMITTED" + after,
                id + " event AFTER_COMMIT" + after), more);
    }

    /** The lines of call {@code id} whose callbacks ran for a rollback (neither row committed), then {@code more}. */
    private static List<String> rolledBackCallbacks(int id, String... more) {
        String after = " pg=false mariadb=false xid=none thread=main";
        return lines(List.of(id + " synchronization afterCompletion ROLLED_BACK" + after, id + " event AFTER_ROLLBACK" + after), more);
    }

    private static List<String> lines(List<String> callbacks, String... more) {
        List<String> lines = new ArrayList<>(callbacks);
        lines.addAll(List.of(more));
        return lines;
    }

    /** The lines the application printed for call {@code id}: from after its {@code call} line to its end. */
    private static List<String> linesOf(int id) {
        List<String> lines = output.lines().toList();
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("call " + id + " ")) {
                start = i + 1;
            } else if (start >= 0 && (lines.get(i).startsWith("returned " + id) || lines.get(i).startsWith("threw " + id + ":"))) {
                return lines.subList(start, i + 1).stream().filter(line -> !line.startsWith("[")).toList();
            }
        }
        throw new AssertionError("no call " + id + " in:\n" + output);
    }

    private static List<String> ids(String url, String table) throws SQLException {
        return Rows.column(url, "select id from " + table + " order by id");
    }
}
