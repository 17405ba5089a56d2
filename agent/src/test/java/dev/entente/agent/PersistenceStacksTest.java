package dev.entente.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.entente.agent.apps.PersistenceStacksApp;
import dev.entente.agent.apps.RotatedCredentialsApp;
import dev.entente.agent.testing.ServiceProcess;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The persistence stacks users run, each committing and rolling back one global transaction across
 * PostgreSQL and MariaDB: its rows are in both databases or in neither, no branch stays prepared, and the
 * coordinator's outcome says the same. One application JVM per group of stacks: the query stacks
 * (JdbcTemplate, Spring Data JPA on Hibernate 6, MyBatis, jOOQ) over HikariCP, and the pools (HikariCP
 * with dataSourceClassName, DBCP2, c3p0, Spring's DriverManagerDataSource) under JdbcTemplate. And phase 2
 * after the database user's password was rotated: it opens its connections with the pool's new password.
 */
@Timeout(600)
class PersistenceStacksTest {

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // the applications' and the coordinator's logs of a failed test stay
    Path work;

    @Test
    void queryStacksCommitAndRollBackAcrossTwoDatabases() throws Exception {
        // Hibernate's own libraries, which an application using it ships: Byte Buddy and ClassMate
        commitAndRollBackEach("queries", List.of("jdbc-template", "jpa", "mybatis", "jooq"),
                List.of("/net/bytebuddy/", "/com/fasterxml/classmate/"));
    }

    @Test
    void poolsCommitAndRollBackAcrossTwoDatabases() throws Exception {
        commitAndRollBackEach("pools", List.of("hikari-datasource-class", "dbcp2", "c3p0", "driver-manager"), List.of());
    }

    @Test
    void phaseTwoOpensItsConnectionsWithThePoolsRotatedPassword() throws Exception {
        try (RotatedUser rotated = RotatedUser.on("persist_rotated");
             CoordinatorProcess coordinator = CoordinatorProcess.dev(work).start().awaitServing()) {
            String output = ServiceProcess.run(work, "rotated", "coordinator=" + coordinator.clientAddress(),
                    RotatedCredentialsApp.class, rotated.appArguments());

            assertThat(output).contains("old password refused"); // the rotation is real: the old password opens nothing
            String before = xid(output, "before committed (\\S+)");
            String after = xid(output, "after committed (\\S+)");
            assertThat(output).contains("after visible in mariadb");
            for (String xid : List.of(before, after)) {
                assertCommitted(coordinator, xid, rotated.postgres(), rotated.mariadbAdmin(), xid.equals(before) ? "before" : "after");
            }
        }
    }

    /**
     * Recovery, not phase 2, settles a branch whose password rotated while it was prepared: the coordinator is
     * killed after the application wrote both databases, so the Commit finds none and the branches stay
     * prepared with no decision; the password rotates (its sessions ended); the coordinator comes back with no
     * record of the transaction, and the application's next recovery scan, on connections opened with the
     * pool's new password, rolls the branches back (presumed abort).
     */
    @Test
    void recoveryOpensItsConnectionsWithThePoolsRotatedPassword() throws Exception {
        Path coordinatorKilled = work.resolve("rotated-recovery-coordinator-killed");
        Path log = work.resolve("rotated-recovery.log");
        try (RotatedUser rotated = RotatedUser.on("persist_rotated_recovery");
             CoordinatorProcess coordinator = CoordinatorProcess.dev(work.resolve("rotated-recovery-coordinator")).start().awaitServing()) {
            List<String> arguments = new ArrayList<>(List.of(rotated.appArguments()));
            arguments.add(coordinatorKilled.toString());
            CompletableFuture<String> application = CompletableFuture.supplyAsync(() -> ServiceProcess.run(work, "rotated-recovery",
                    "coordinator=" + coordinator.clientAddress() + ",recovery-interval=1000", RotatedCredentialsApp.class,
                    arguments.toArray(String[]::new)));
            await().atMost(Duration.ofMinutes(2)).until(() -> Files.exists(log) && Files.readString(log).contains("in-doubt written"));
            coordinator.kill9();
            Files.createFile(coordinatorKilled);
            // the line itself: the database's name, persist_rotated_recovery, is in the log from the start
            await().atMost(Duration.ofMinutes(2)).until(() -> Files.readAllLines(log).contains("rotated"));
            String xid = xid(Files.readString(log), "in-doubt written (\\S+)");
            assertThat(TestDatabases.mariadb().preparedTransactions()).as("prepared while the coordinator is down").contains(xid);

            coordinator.start().awaitServing();
            String output = application.get(4, TimeUnit.MINUTES);

            assertThat(output).contains("in-doubt ended: ", "old password refused", "in-doubt settled in mariadb")
                    .as("the Commit found no coordinator").doesNotContain("in-doubt ended: committed");
            assertThat(output).containsPattern("recovery rolled back branch [0-9]+ of " + Pattern.quote(xid) + " on mariadb://");
            assertRolledBack(coordinator, xid, rotated.postgres(), rotated.mariadbAdmin());
        }
    }

    /**
     * A PostgreSQL and a MariaDB database {@code name} with the entry table, and a MariaDB user whose password
     * RotatedCredentialsApp rotates from "first-password" to "second-password"; the user is dropped at close.
     */
    private record RotatedUser(String postgres, String mariadbAdmin, String user) implements AutoCloseable {

        static RotatedUser on(String name) throws SQLException {
            RotatedUser rotated = new RotatedUser(TestDatabases.postgres().createDatabase(name),
                    TestDatabases.mariadb().createDatabase(name), "entente_" + name.replace("persist_", ""));
            createEntryTable(rotated.postgres);
            createEntryTable(rotated.mariadbAdmin);
            rotated.administer("DROP USER IF EXISTS '" + rotated.user + "'@'%'",
                    "CREATE USER '" + rotated.user + "'@'%' IDENTIFIED BY 'first-password'",
                    "GRANT ALL ON " + name + ".* TO '" + rotated.user + "'@'%'");
            return rotated;
        }

        /** The application's arguments: PostgreSQL, MariaDB without and with credentials, the user, its passwords. */
        String[] appArguments() {
            return new String[] {postgres, mariadbAdmin.replaceFirst("\\?.*$", ""), mariadbAdmin, user, "first-password",
                "second-password"};
        }

        private void administer(String... statements) throws SQLException {
            try (Connection admin = DriverManager.getConnection(mariadbAdmin); Statement statement = admin.createStatement()) {
                for (String sql : statements) {
                    statement.execute(sql);
                }
            }
        }

        @Override
        public void close() throws SQLException {
            administer("DROP USER IF EXISTS '" + user + "'@'%'");
        }
    }

    /**
     * Runs {@link PersistenceStacksApp} in {@code mode} and checks, for each of {@code stacks}, that its
     * committed transaction's rows are in both databases and its rolled-back one's in neither.
     */
    private void commitAndRollBackEach(String mode, List<String> stacks, List<String> libraries) throws Exception {
        String postgres = TestDatabases.postgres().createDatabase("persist_" + mode);
        String mariadb = TestDatabases.mariadb().createDatabase("persist_" + mode);
        createEntryTable(postgres);
        createEntryTable(mariadb);
        try (CoordinatorProcess coordinator = CoordinatorProcess.dev(work).start().awaitServing()) {
            String output = ServiceProcess.runWithLibraries(work, "persist-" + mode, "coordinator=" + coordinator.clientAddress(),
                    libraries, PersistenceStacksApp.class, mode, postgres, mariadb);

            for (String stack : stacks) {
                String committed = xid(output, stack + " committed (\\S+)");
                String rolledBack = xid(output, stack + " rolled back (\\S+): java.lang.IllegalStateException: failed after writing");
                assertCommitted(coordinator, committed, postgres, mariadb, stack);
                assertRolledBack(coordinator, rolledBack, postgres, mariadb);
            }
        }
    }

    private static void assertCommitted(CoordinatorProcess coordinator, String xid, String postgres, String mariadb, String stack)
            throws Exception {
        assertThat(outcome(coordinator, xid)).as("outcome of %s (%s)", xid, stack).isEqualTo(Outcome.COMMITTED);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(stackOf(postgres, xid)).as("row %s in PostgreSQL", xid).isEqualTo(stack);
            assertThat(stackOf(mariadb, xid)).as("row %s in MariaDB", xid).isEqualTo(stack);
            assertNotPrepared(xid);
        });
    }

    private static void assertRolledBack(CoordinatorProcess coordinator, String xid, String postgres, String mariadb)
            throws Exception {
        // no decision is written for a rollback (presumed abort): the coordinator only must not have committed it
        assertThat(outcome(coordinator, xid)).as("outcome of %s", xid).isNotEqualTo(Outcome.COMMITTED);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertNotPrepared(xid));
        assertThat(stackOf(postgres, xid)).as("row %s in PostgreSQL", xid).isNull();
        assertThat(stackOf(mariadb, xid)).as("row %s in MariaDB", xid).isNull();
    }

    private static void assertNotPrepared(String xid) {
        assertThat(TestDatabases.postgres().preparedTransactions()).as("prepared on PostgreSQL").doesNotContain(xid);
        assertThat(TestDatabases.mariadb().preparedTransactions()).as("prepared on MariaDB").doesNotContain(xid);
    }

    private static Outcome outcome(CoordinatorProcess coordinator, String xid) {
        CoordinatorClient client = CoordinatorClient.connect(coordinator.clientAddress());
        try {
            return client.status(xid).getOutcome();
        } finally {
            client.close();
        }
    }

    /** The stack that wrote row {@code id}, or null if there is none. */
    private static String stackOf(String url, String id) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url);
             PreparedStatement query = connection.prepareStatement("select stack from entry where id = ?")) {
            query.setString(1, id);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    private static void createEntryTable(String url) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute("create table entry (id varchar(200) primary key, stack varchar(40) not null)");
        }
    }

    private static String xid(String output, String line) {
        Matcher matcher = Pattern.compile("(?m)^" + line).matcher(output);
        assertThat(matcher.find()).as("a line /%s/ in:%n%s", line, output).isTrue();
        return matcher.group(1);
    }
}
