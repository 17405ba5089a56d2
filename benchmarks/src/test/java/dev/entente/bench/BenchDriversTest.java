package dev.entente.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entente.testkit.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Each driver run as {@code bin/entente bench} runs it, at a tiny size, so the drivers keep working.
 * Speed is not asserted (it belongs to docs/benchmarks.md): only that every point ran without errors
 * and its figures were printed. The warm-ups of the drivers with agent-attached JVMs are long enough
 * for their first, slow operations (class loading, first connections) to end before the measured
 * window on a loaded machine, so the window sees at least one operation.
 *
 * <p>Seata's parts run only with {@code -Dentente.bench.seata=true}: Seata 2.0.0's coordinator binds its
 * RPC and Raft ports on every interface (it has no setting for their address), and tests here listen on
 * loopback only.
 */
@Timeout(600)
class BenchDriversTest {

    /** The system property that lets Seata's coordinator run here (see the class description). */
    private static final String SEATA = "entente.bench.seata";

    @Test
    void theCoordinatorDriverMeasuresOneNodeAndAClusterWithAndWithoutBranches() throws Exception {
        String output = bench("coordinator", "--systems", "entente", "--nodes", "1,3", "--branches", "0,2", "--concurrency", "2",
                "--warmup", "0.5", "--seconds", "1", "--runs", "1");

        assertThat(output).contains("machine: ").contains("| system  | nodes | branches | clients | tx/s");
        // a transaction whose branches vote with its Commit costs the Commit alone, whatever its branches
        for (String point : new String[] {"1 node(s), 0 branches", "1 node(s), 2 branches", "3 node(s), 0 branches", "3 node(s), 2 branches"}) {
            assertThat(output).containsPattern("run 1: Entente, " + Pattern.quote(point)
                    + ", +2 clients: +[1-9]\\d* tx/s .* decisions/flush  1\\.00 calls/tx  0 errors");
        }
    }

    @Test
    @EnabledIfSystemProperty(named = SEATA, matches = "true", disabledReason = "Seata's coordinator listens on every interface")
    void theCoordinatorDriverRunsSeatasRaftCoordinatorInTheSameRunAndPrintsTheRatio() throws Exception {
        // Seata's coordinator takes 10-60 s to start (Spring Boot); its client JVM, a few seconds per point
        String output = bench("coordinator", "--systems", "entente,seata", "--nodes", "1,3", "--branches", "0,2", "--concurrency", "2",
                "--warmup", "0.5", "--seconds", "1", "--runs", "1");

        for (int nodes : new int[] {1, 3}) {
            assertThat(output).containsPattern("run 1: Seata raft, " + nodes + " node\\(s\\), 0 branches, +2 clients: +[1-9]\\d* tx/s .* 0 errors")
                    .containsPattern("run 1: Entente, " + nodes + " node\\(s\\), 0 branches, +2 clients: +[1-9]\\d* tx/s .* 0 errors")
                    // Entente's point next to Seata's: the ratio of their rates
                    .containsPattern("(?m)^\\| Entente +\\| " + nodes + " +\\| 0 +\\| 2 +\\|.*\\| \\d+\\.\\d\\d +\\| 0 +\\|$");
        }
        assertThat(output).as("Seata's rows run empty transactions only").doesNotContain("Seata raft, 1 node(s), 2 branches");
    }

    @Test
    void theTwoDatabasesDriverRunsEveryVariant() throws Exception {
        // the Entente variant's first transaction opens the RM session: seconds on a loaded machine, so the warm-up
        // covers it (with 1 s, one run under load measured no transaction at all)
        // databases of its own: a benchmark run at the same time uses the default ones
        boolean seata = Boolean.getBoolean(SEATA);
        String output = bench("two-databases", "--clients", "2", "--warmup", "5", "--seconds", "3", "--runs", "1",
                "--databases", "entente_bench_smoke_two", "--variants",
                "no-global-transaction,entente,atomikos,narayana" + (seata ? ",seata-xa" : ""));

        List<String> variants = new ArrayList<>(List.of("no global transaction", "Entente (agent)", "Atomikos (JTA)", "Narayana (JTA)"));
        if (seata) {
            variants.add("Seata (XA mode)");
        }
        for (String variant : variants) {
            assertThat(output).containsPattern("run 1 " + Pattern.quote(variant) + " +[1-9]\\d* ops/s .* 0 errors");
        }
        assertThat(output).contains("| variant               | ops/s");
        assertThat(preparedIn(TestDatabases.postgres().jdbcUrl("entente_bench_smoke_two_pg")))
                .as("branches the Entente and Seata variants left prepared after they exited").isZero();
    }

    private static int preparedIn(String postgresDatabase) throws SQLException {
        try (Connection connection = DriverManager.getConnection(postgresDatabase); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("select count(*) from pg_prepared_xacts where database = current_database()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void theAgentOverheadDriverRunsTheWorkloadAndStartsBothAppsWithEveryAgent() throws Exception {
        String output = bench("agent-overhead", "--clients", "2", "--warmup", "0.5", "--seconds", "1", "--runs", "1", "--starts", "1",
                "--boot-starts", "1");

        assertThat(output).containsPattern("run 1 without agent +[1-9]\\d* ops/s .* 0 errors")
                .containsPattern("run 1 with agent +[1-9]\\d* ops/s .* 0 errors")
                .containsPattern("run 1 with agent, jdbc integration off +[1-9]\\d* ops/s .* 0 errors")
                .containsPattern("\\| variant +\\| ops/s");
        for (String variant : new String[] {"without agent", "with agent", "with OpenTelemetry agent"}) {
            assertThat(output).containsPattern("(?m)^start 1 " + Pattern.quote(variant) + " +\\d+ ms  cpu +\\d+\\.\\d+ s  load ")
                    .containsPattern("(?m)^boot start 1 " + Pattern.quote(variant) + " +\\d+ ms  cpu +\\d+\\.\\d+ s  load ");
        }
        assertThat(output).contains("| variant                  | median ms");
    }

    @Test
    void theTwoServicesDriverRunsBothVariantsOverHttp() throws Exception {
        String output = bench("two-services", "--clients", "2", "--warmup", "8", "--seconds", "2", "--runs", "1");

        assertThat(output).containsPattern("run 1 no global transaction +[1-9]\\d* ops/s .* 0 errors")
                .containsPattern("run 1 Entente \\(agent in both\\) +[1-9]\\d* ops/s .* 0 errors")
                .contains("| variant                 | ops/s");
    }

    @Test
    void theLockedDriverRunsCuratorsMutexAndTheLockedMethod() throws Exception {
        String output = bench("locked", "--clients", "2", "--warmup", "3", "--seconds", "1", "--runs", "1");

        assertThat(output).containsPattern("run 1 InterProcessMutex +[1-9]\\d* ops/s .* 0 errors")
                .containsPattern("run 1 @Locked \\(agent\\) +[1-9]\\d* ops/s .* 0 errors")
                .contains("| variant           | ops/s");
    }

    @Test
    void thePublishDriverRunsBothVariantsAndCountsWhatReachedTheTopic() throws Exception {
        String output = bench("publish", "--clients", "2", "--warmup", "10", "--seconds", "1", "--runs", "1");

        assertThat(output).containsPattern("run 1 transactional KafkaProducer +[1-9]\\d* ops/s .* 0 errors")
                .containsPattern("run 1 @Publish \\(agent\\) +[1-9]\\d* ops/s .* 0 errors")
                .containsPattern("@Publish \\(agent\\): [1-9]\\d* of the run's [1-9]\\d* sent messages")
                .contains("| variant                     | ops/s");
    }

    @Test
    void theCoordinatorMemoryDriverReadsTheHeapPerTransactionInFlight() throws Exception {
        String output = bench("coordinator-memory", "--transactions", "50,100", "--runs", "1");

        assertThat(output).containsPattern("run 1: idle node: heap after GC +\\d+\\.\\d MiB")
                .containsPattern("run 1: +100 in flight \\(node's gauge: 100\\): heap after GC +\\d+\\.\\d MiB")
                .contains("| in flight | heap after GC MiB");
    }

    private static String bench(String... args) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            status = Bench.run(args, out);
        }
        String output = bytes.toString(StandardCharsets.UTF_8);
        assertThat(status).as(output).isZero();
        return output;
    }
}
