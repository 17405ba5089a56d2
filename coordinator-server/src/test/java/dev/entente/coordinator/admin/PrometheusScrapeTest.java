package dev.entente.coordinator.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.entente.coordinator.testing.TestTransactions;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.FreePorts;
import dev.entente.testkit.PrometheusText;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Prometheus finds when it scrapes a real coordinator process's metrics listener: Entente's meters
 * under the names they always had, with the values of what the node did; the JVM's and the process's;
 * and Ratis' own, bridged, agreeing with the flush count Entente reads from Ratis.
 */
@Timeout(180)
class PrometheusScrapeTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path work;
    static CoordinatorProcess node;
    static CoordinatorClient client;
    static int metricsPort;

    @BeforeAll
    static void start() {
        metricsPort = FreePorts.next();
        node = CoordinatorProcess.dev(work, "--metrics-port", String.valueOf(metricsPort)).start().awaitServing();
        client = CoordinatorClient.connect(node.clientAddress());
    }

    @AfterAll
    static void stop() {
        client.close();
        node.close();
    }

    @Test
    void ententesMetersKeepTheirNamesAndCountWhatTheNodeDid() throws Exception {
        String before = scrape();
        String committed = TestTransactions.begin(client, "scraped", 30_000);
        assertThat(client.commit(committed, false).getOutcome()).isEqualTo(Outcome.COMMITTED);
        String rolledBack = TestTransactions.begin(client, "scraped", 30_000);
        client.registerBranch(rolledBack, 1, "scraped-db", "scraped-rm"); // the coordinator hears of it before its end
        assertThat(client.rollback(rolledBack, "scrape test", false).getOutcome()).isEqualTo(Outcome.ROLLED_BACK);

        // a decision is counted (and its latency recorded) by a callback of its own, registered before the one that
        // answers the client: CompletableFuture runs the last registered first, so the count may follow the reply
        String[] scraped = new String[1];
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            scraped[0] = scrape();
            assertThat(delta(before, scraped[0], "entente_transactions_committed_total")).isEqualTo(1);
            assertThat(delta(before, scraped[0], "entente_transactions_rolled_back_total")).isEqualTo(1);
            assertThat(value(scraped[0], "entente_app_transactions_committed_total{app=\"scraped\"}")).isEqualTo(1);
            assertThat(value(scraped[0], "entente_app_transactions_rolled_back_total{app=\"scraped\"}")).isEqualTo(1);
            assertThat(delta(before, scraped[0], "entente_decision_latency_seconds_count")).isEqualTo(2);
            assertThat(delta(before, scraped[0], "entente_decision_latency_seconds_bucket{le=\"5.0\"}")).isEqualTo(2);
            assertThat(delta(before, scraped[0], "entente_decision_latency_seconds_bucket{le=\"+Inf\"}")).isEqualTo(2);
        });
        String page = scraped[0];

        assertThat(page).contains("# TYPE entente_transactions_committed_total counter\n",
                "# TYPE entente_transactions_in_flight gauge\n", "# TYPE entente_decision_latency_seconds histogram\n",
                "# HELP entente_raft_log_flushes_total Flushes of this node's Raft log to disk");
        assertThat(delta(before, page, "entente_transactions_begun_total")).isEqualTo(2);
        assertThat(value(page, "entente_transactions_timed_out_total")).isZero();
        assertThat(value(page, "entente_app_transactions_begun_total{app=\"scraped\"}")).isEqualTo(2);
        assertThat(delta(before, page, "entente_requests_total{method=\"Commit\"}")).isEqualTo(1);
        assertThat(delta(before, page, "entente_requests_total{method=\"Rollback\"}")).isEqualTo(1);
        assertThat(delta(before, page, "entente_requests_total{method=\"RegisterBranch\"}")).isEqualTo(1);
        assertThat(value(page, "entente_transactions_resolved_total{outcome=\"COMMITTED\"}")).isZero();
        assertThat(PrometheusText.number(page, "entente_decision_latency_seconds_sum")
                - PrometheusText.number(before, "entente_decision_latency_seconds_sum")).isPositive();
        assertThat(value(page, "entente_transactions_in_flight")).isZero();
        assertThat(value(page, "entente_raft_is_leader")).isEqualTo(1);
        assertThat(value(page, "entente_raft_role{role=\"LEADER\"}")).isEqualTo(1);
        assertThat(value(page, "entente_raft_role{role=\"FOLLOWER\"}")).isZero();
        assertThat(value(page, "entente_raft_term")).isPositive();
        assertThat(value(page, "entente_raft_applied_index")).isGreaterThanOrEqualTo(value(page, "entente_raft_commit_index") - 1);
    }

    @Test
    void theJvmsAndTheProcesssMetersAreThere() throws Exception {
        String page = scrape();

        assertThat(samples(page, "jvm_memory_used_bytes")).anySatisfy((labels, used) -> {
            assertThat(labels).contains("area=\"heap\"");
            assertThat(used).isPositive();
        });
        assertThat(samples(page, "jvm_memory_max_bytes")).isNotEmpty();
        assertThat(page).contains("# TYPE jvm_gc_pause_seconds ", "# TYPE jvm_gc_memory_allocated_bytes_total counter");
        assertThat(value(page, "jvm_threads_live_threads")).isPositive();
        assertThat(value(page, "jvm_classes_loaded_classes")).isGreaterThan(1000);
        assertThat(value(page, "system_cpu_count")).isEqualTo(Runtime.getRuntime().availableProcessors()); // this machine's
        assertThat(PrometheusText.number(page, "process_uptime_seconds")).isPositive();
        assertThat(PrometheusText.number(page, "process_start_time_seconds") * 1000)
                .isBetween(System.currentTimeMillis() - 180_000.0, (double) System.currentTimeMillis());
        assertThat(value(page, "process_files_open_files")).isPositive();
    }

    @Test
    void ratisOwnMetersAreBridgedPerGroupMember() throws Exception {
        String xid = TestTransactions.begin(client, "ratis-scraped", 30_000);
        client.commit(xid, false); // a decision: a log append and a flush
        // The two samples are read one after the other while the log may still flush (the transaction's end is
        // written after its decision): they agree once the log is still, which a second counter never would.
        String[] scraped = new String[1];
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            scraped[0] = scrape();
            Map<String, Double> flushes = samples(scraped[0], "ratis_log_worker_flushCount_total");
            assertThat(flushes).hasSize(1);
            assertThat(flushes.values().iterator().next()).isPositive()
                    .isEqualTo(PrometheusText.number(scraped[0], "entente_raft_log_flushes_total")); // the same Ratis counter
        });
        String page = scraped[0];
        String member = samples(page, "ratis_log_worker_flushCount_total").keySet().iterator().next();
        assertThat(member).matches("member=\"dev@group-[0-9A-F]+\"");
        assertThat(PrometheusText.number(page, "ratis_leader_election_electionCount_total{" + member + "}")).isGreaterThanOrEqualTo(1);
        assertThat(samples(page, "ratis_log_worker_flushTime_seconds")).containsKeys(
                member + ",percentile=\"0.5\"", member + ",percentile=\"0.99\"");
        assertThat(page).contains("# TYPE ratis_log_worker_flushCount_total counter\n");
    }

    private static String scrape() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        return response.body();
    }

    private static long value(String page, String sample) {
        return PrometheusText.value(page, sample);
    }

    private static long delta(String before, String after, String sample) {
        return value(after, sample) - value(before, sample);
    }

    /** The samples of {@code metric}, by their labels as written ({@code area="heap",id="G1 Eden Space"}). */
    private static Map<String, Double> samples(String page, String metric) {
        Map<String, Double> found = new LinkedHashMap<>();
        Matcher sample = Pattern.compile("(?m)^" + Pattern.quote(metric) + "\\{(.*)} (\\S+)$").matcher(page);
        while (sample.find()) {
            found.put(sample.group(1), Double.parseDouble(sample.group(2)));
        }
        return found;
    }
}
