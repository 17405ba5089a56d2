package dev.entente.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entente.agent.apps.MeteredApp;
import dev.entente.agent.testing.ServiceProcess;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's meters in the application's own metrics library: an application JVM with the agent and
 * Micrometer (or the OpenTelemetry SDK) runs a global transaction over PostgreSQL and MariaDB that
 * commits and one that rolls back, then reads the {@code entente.tm.*} meters from its own registry. The
 * library is the application's, on its class path only; every other agent test runs an application
 * without either.
 */
@Timeout(300)
class ApplicationMetersTest {

    private static final List<String> BOTH_LIBRARIES =
            Stream.of(ServiceProcess.MICROMETER, ServiceProcess.OPENTELEMETRY).flatMap(List::stream).toList();

    @TempDir
    static Path work;
    static CoordinatorProcess coordinator;

    @BeforeAll
    static void start() {
        coordinator = CoordinatorProcess.dev(work).start().awaitServing();
    }

    @AfterAll
    static void stop() {
        coordinator.close();
    }

    @Test
    void micrometersGlobalRegistryPassesTheMetersToTheApplicationsRegistry() throws Exception {
        String out = runWith("micrometer");

        assertThat(out).contains("registered with the application's Micrometer (Metrics.globalRegistry)")
                .doesNotContain("registered with the application's OpenTelemetry")
                .as("the agent looked for the global OpenTelemetry, unset then, without fixing it")
                .contains("set the global OpenTelemetry late: ok");
        // two branches prepared in each transaction (the second throws after both connections closed), one Commit
        assertThat(out.lines().filter(line -> line.startsWith("meter ")).map(ApplicationMetersTest::settledByRecovery))
                .containsExactly(
                "meter entente.lock.wait TIMER 0.0",
                "meter entente.rm.branch.prepare TIMER 4.0",
                "meter entente.rm.recovery.actions{outcome=committed} COUNTER 0 to 2",
                "meter entente.rm.recovery.actions{outcome=failed} COUNTER 0.0",
                "meter entente.rm.recovery.actions{outcome=rolled.back} COUNTER 0 to 2",
                "meter entente.rm.recovery.in.doubt GAUGE 0.0",
                "meter entente.tm.commit TIMER 1.0",
                "meter entente.tm.transaction.branches DISTRIBUTION_SUMMARY 1.0",
                "meter entente.tm.transactions.active GAUGE 0.0",
                "meter entente.tm.transactions.begun COUNTER 2.0",
                "meter entente.tm.transactions.committed COUNTER 1.0",
                "meter entente.tm.transactions.rolled.back COUNTER 1.0",
                "meter entente.tm.transactions.unknown COUNTER 0.0");
    }

    @Test
    void theGlobalOpenTelemetryGetsThemAsObservableInstruments() throws Exception {
        String out = runWith("opentelemetry");

        assertThat(out).contains("registered with the application's OpenTelemetry (GlobalOpenTelemetry)");
        // a histogram nothing was recorded in (entente.lock.wait) is not exported; a histogram's value is its count
        assertThat(out.lines().filter(line -> line.startsWith("meter ")).map(ApplicationMetersTest::settledByRecovery))
                .containsExactly(
                "meter entente.rm.branch.prepare HISTOGRAM s 4",
                "meter entente.rm.recovery.actions LONG_SUM {branch} 0 to 4",
                "meter entente.rm.recovery.in.doubt LONG_GAUGE {branch} 0",
                "meter entente.tm.commit HISTOGRAM s 1",
                "meter entente.tm.transaction.branches HISTOGRAM {branch} 1",
                "meter entente.tm.transactions.active LONG_GAUGE {transaction} 0",
                "meter entente.tm.transactions.begun LONG_SUM {transaction} 2",
                "meter entente.tm.transactions.committed LONG_SUM {transaction} 1",
                "meter entente.tm.transactions.rolled.back LONG_SUM {transaction} 1",
                "meter entente.tm.transactions.unknown LONG_SUM {transaction} 0");
    }

    /**
     * Runs {@link MeteredApp} with {@code library} set up, as application {@code metered-LIBRARY}; checks that
     * its transactions did what the meters say, in both databases and at the coordinator.
     */
    private static String runWith(String library) throws Exception {
        String postgres = TestDatabases.postgres().createDatabase("metered_" + library);
        String mariadb = TestDatabases.mariadb().createDatabase("metered_" + library);
        String app = "metered-" + library;
        // recovery scans every second, so that one that counted a branch in doubt while it was prepared is followed by
        // one that finds none left, which the application waits for before it reads its meters
        String out = ServiceProcess.runWithLibraries(work, app, "coordinator=" + coordinator.clientAddress() + ",app=" + app
                + ",recovery-interval=1000", BOTH_LIBRARIES, MeteredApp.class, library, postgres, mariadb);

        assertThat(out).contains("transfer: inserted 1").contains("failed transfer: fails after both inserts");
        assertThat(ids(postgres)).containsExactly(1);
        assertThat(ids(mariadb)).containsExactly(1);
        assertThat(coordinator.metric("entente_app_transactions_committed_total{app=\"" + app + "\"}")).isEqualTo(1);
        return out;
    }

    /**
     * {@code line}, with the value of a recovery.actions counter of branches committed or rolled back given as
     * the range it is in, "0 to 2" ("0 to 4" for OpenTelemetry's sum, failed included), if it is. Recovery scans
     * (when a database is first reached, then every second) run beside the transactions: a scan that listed a
     * prepared branch just before its transaction ended here, and asked the coordinator just after, finishes it
     * too (XA COMMIT or ROLLBACK, the database's "unknown Xid" taken as finished) and counts it. So each of the
     * two branches of the committed transaction may count as committed, and each of the rolled-back one's as
     * rolled back, once at most (a later scan no longer lists it); none may fail.
     */
    private static String settledByRecovery(String line) {
        return line.replaceFirst("^(meter entente\\.rm\\.recovery\\.actions\\{outcome=(committed|rolled\\.back)} COUNTER) [0-2]\\.0$",
                "$1 0 to 2").replaceFirst("^(meter entente\\.rm\\.recovery\\.actions LONG_SUM \\{branch}) [0-4]$", "$1 0 to 4");
    }

    private static List<Integer> ids(String url) throws SQLException {
        List<Integer> ids = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select id from transfers order by id")) {
            while (rows.next()) {
                ids.add(rows.getInt(1));
            }
        }
        return ids;
    }
}
