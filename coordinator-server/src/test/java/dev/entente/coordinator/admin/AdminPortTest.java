package dev.entente.coordinator.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entente.coordinator.testing.StuckTransactions;
import dev.entente.coordinator.testing.TestTransactions;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin port of a real coordinator process: resolve needs the admin token, the read-only views and
 * metrics need the read token (or the admin token) unless opened, the probes and the console's files need
 * none, and no token shows in logs or views.
 */
@Timeout(180)
class AdminPortTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path work;
    static CoordinatorProcess dev;
    static CoordinatorClient client;
    static Path generatedToken;

    @BeforeAll
    static void start() {
        dev = CoordinatorProcess.dev(work).start().awaitServing();
        client = CoordinatorClient.connect(dev.clientAddress());
        generatedToken = work.resolve("dev-data").resolve("admin-token");
    }

    @AfterAll
    static void stop() {
        client.close();
        dev.close();
    }

    static HttpResponse<String> resolve(String adminAddress, String xid, String outcome, Optional<String> token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + adminAddress + "/transactions/" + xid + "/resolve"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"outcome\": \"" + outcome + "\"}")).timeout(Duration.ofSeconds(20));
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void devModeWritesATokenReadableByItsOwnerOnlyAndPrintsOnlyItsPath() throws Exception {
        assertThat(generatedToken).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(generatedToken))).isEqualTo("rw-------");
        String token = Files.readString(generatedToken).strip();
        assertThat(token).hasSizeGreaterThanOrEqualTo(32);
        assertThat(dev.logTail(200)).contains("admin operations: need the token in " + generatedToken);

        String xid = new StuckTransactions(client).undecided("token-check", "shop", "rm-x", "db-x");
        resolve(dev.adminAddress(), xid, "rollback", Optional.of(token));
        for (String view : List.of("/metrics", "/cluster", "/transactions", "/transactions/" + xid)) {
            assertThat(dev.admin(view)).as(view).doesNotContain(token);
        }
        assertThat(Files.readString(dev.logFile())).doesNotContain(token);
    }

    @Test
    void resolveWithoutTheTokenOrWithAnotherIsRefusedAndChangesNothing() throws Exception {
        String xid = new StuckTransactions(client).undecided("guarded", "shop", "rm-x", "db-x");
        HttpResponse<String> none = resolve(dev.adminAddress(), xid, "rollback", Optional.empty());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).contains("resolve " + xid).contains("needs the admin token");
        HttpResponse<String> wrong = resolve(dev.adminAddress(), xid, "rollback", Optional.of("x".repeat(43)));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("does not match");
        assertThat(client.status(xid).getOutcome()).isEqualTo(Outcome.ACTIVE);

        String token = Files.readString(generatedToken).strip();
        HttpResponse<String> badBody = resolve(dev.adminAddress(), xid, "maybe", Optional.of(token));
        assertThat(badBody.statusCode()).isEqualTo(400);
        assertThat(badBody.body()).contains("{\\\"outcome\\\": \\\"commit\\\"}");
        HttpResponse<String> ok = resolve(dev.adminAddress(), xid, "rollback", Optional.of(token));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(client.status(xid).getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(dev.admin("/metrics")).contains("entente_transactions_resolved_total{outcome=\"ROLLED_BACK\"} ");
    }

    static HttpResponse<String> get(String url, Optional<String> token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Issue 18 item 3: the views need a credential; the probes and the console's own files do not. */
    @Test
    void theViewsNeedTheReadTokenOrTheAdminTokenAndTheProbesNone() throws Exception {
        Path readTokenFile = work.resolve("dev-data").resolve("admin-read-token");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(readTokenFile))).isEqualTo("rw-------");
        String readToken = Files.readString(readTokenFile).strip();
        String adminToken = Files.readString(generatedToken).strip();
        assertThat(readToken).hasSizeGreaterThanOrEqualTo(32).isNotEqualTo(adminToken);
        assertThat(dev.logTail(200)).contains("admin views: need the read token in " + readTokenFile + " or the admin token");
        String xid = new StuckTransactions(client).undecided("read-check", "shop", "rm-x", "db-x");
        String base = "http://" + dev.adminAddress();
        for (String view : List.of("/cluster", "/transactions", "/transactions/" + xid, "/metrics")) {
            HttpResponse<String> none = get(base + view, Optional.empty());
            assertThat(none.statusCode()).as(view).isEqualTo(401);
            assertThat(none.body()).as(view).contains("needs the read token").doesNotContain(xid + "\"").doesNotContain("db-x");
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"entente\"");
            HttpResponse<String> wrong = get(base + view, Optional.of("y".repeat(43)));
            assertThat(wrong.statusCode()).as(view).isEqualTo(401);
            assertThat(wrong.body()).as(view).contains("matches neither");
            assertThat(get(base + view, Optional.of(readToken)).statusCode()).as(view).isEqualTo(200);
            assertThat(get(base + view, Optional.of(adminToken)).statusCode()).as(view).isEqualTo(200);
        }
        assertThat(get(base + "/transactions/" + xid, Optional.of(readToken)).body()).contains("db-x");
        for (String open : List.of("/health/live", "/health/ready", "/", "/console.js")) {
            assertThat(get(base + open, Optional.empty()).statusCode()).as(open).isEqualTo(200);
        }
        // the read token reads, it does not resolve
        HttpResponse<String> resolveWithReadToken = resolve(dev.adminAddress(), xid, "rollback", Optional.of(readToken));
        assertThat(resolveWithReadToken.statusCode()).isEqualTo(401);
        assertThat(client.status(xid).getOutcome()).isEqualTo(Outcome.ACTIVE);
        assertThat(Files.readString(dev.logFile())).doesNotContain(readToken);
        client.rollback(xid, "test over", false);
    }

    /**
     * A cluster node given no token: admin operations are refused, the views are closed to everyone, the
     * probes still answer.
     */
    @Test
    void aClusterNodeWithoutATokenFileRefusesAdminOperationsAndClosesItsViews() throws Exception {
        int raft = FreePorts.next();
        int clientPort = FreePorts.next();
        int adminPort = FreePorts.next();
        try (CoordinatorProcess node = new CoordinatorProcess("n1", work, clientPort, adminPort, List.of("--insecure", "--node-id", "n1",
                "--peers", "n1=127.0.0.1:" + raft, "--port", String.valueOf(clientPort), "--admin-port", String.valueOf(adminPort),
                "--data-dir", work.resolve("n1-data").toString())).start();
             CoordinatorClient nodeClient = CoordinatorClient.connect(node.clientAddress())) {
            String base = "http://" + node.adminAddress();
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> get(base + "/health/ready", Optional.empty()).statusCode() == 200);
            assertThat(node.logTail(100)).contains("admin operations: disabled: it was started without --admin-token-file")
                    .contains("admin views: closed: it was started without --admin-read-token-file");
            String xid = new StuckTransactions(nodeClient).undecided("no-admin", "shop", "rm-x", "db-x");
            HttpResponse<String> refused = resolve(node.adminAddress(), xid, "rollback", Optional.of("anything-at-all-0123"));
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("admin operations are disabled on this node");
            HttpResponse<String> closed = get(base + "/transactions/" + xid, Optional.of("anything-at-all-0123"));
            assertThat(closed.statusCode()).isEqualTo(403);
            assertThat(closed.body()).contains("the views of this node are closed").doesNotContain("no-admin");
            assertThat(get(base + "/health/live", Optional.empty()).statusCode()).isEqualTo(200);
            assertThat(nodeClient.status(xid).getOutcome()).isEqualTo(Outcome.ACTIVE);
        }
    }

    /** --admin-open-views opens the views, not resolve; --metrics-port serves /metrics alone, without a credential. */
    @Test
    void openViewsAndAMetricsListenerOfItsOwn() throws Exception {
        int metricsPort = FreePorts.next();
        try (CoordinatorProcess open = CoordinatorProcess.dev(work.resolve("open"), "--admin-open-views",
                "--metrics-port", String.valueOf(metricsPort)).start().awaitServing()) {
            String base = "http://" + open.adminAddress();
            assertThat(open.readTokenFile()).isEmpty();
            assertThat(open.logTail(100)).contains("admin views: open to whoever reaches the port (--admin-open-views)")
                    .contains("metrics=http://127.0.0.1:" + metricsPort + "/metrics");
            assertThat(get(base + "/cluster", Optional.empty()).statusCode()).isEqualTo(200);
            assertThat(get(base + "/transactions", Optional.empty()).statusCode()).isEqualTo(200);
            assertThat(resolve(open.adminAddress(), "C-x:1", "rollback", Optional.empty()).statusCode()).isEqualTo(401);

            String metrics = "http://127.0.0.1:" + metricsPort;
            HttpResponse<String> scraped = get(metrics + "/metrics", Optional.empty());
            assertThat(scraped.statusCode()).isEqualTo(200);
            assertThat(scraped.body()).contains("entente_raft_role{role=\"LEADER\"} 1");
            for (String other : List.of("/cluster", "/transactions", "/", "/health/live")) {
                assertThat(get(metrics + other, Optional.empty()).statusCode()).as(other).isEqualTo(404);
            }
        }
        // without the option, the admin port's /metrics needs a token (the listener does not exist)
        assertThat(get("http://" + dev.adminAddress() + "/metrics", Optional.empty()).statusCode()).isEqualTo(401);
    }

    @Test
    void metricsCountPerApplicationAndShowTheRaftRole() {
        String xid = TestTransactions.begin(client, "billing \"eu\"", 10_000);
        client.registerBranch(xid, 1, "billing-db", "billing-rm"); // the coordinator counts it from its first call
        client.rollback(xid, "", false);
        // the decision is counted by a callback of its own that may run just after the one that answered the Rollback
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(dev.admin("/metrics"))
                .contains("entente_app_transactions_begun_total{app=\"billing \\\"eu\\\"\"} 1")
                .contains("entente_app_transactions_rolled_back_total{app=\"billing \\\"eu\\\"\"} 1")
                .contains("entente_raft_role{role=\"LEADER\"} 1").contains("entente_raft_role{role=\"FOLLOWER\"} 0")
                .contains("# TYPE entente_transactions_in_doubt gauge").contains("# TYPE entente_publish_backlog gauge")
                .contains("# TYPE entente_decision_latency_seconds histogram"));
    }

    @Test
    void theConsoleIsServedWithAStrictContentSecurityPolicy() throws Exception {
        HttpResponse<String> page = dev.adminResponse("GET", "/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>Entente coordinator</title>").contains("src=\"/console.js\"")
                .doesNotContain("http://").doesNotContain("https://");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp).contains("default-src 'self'"));
        assertThat(dev.adminResponse("GET", "/console.js").body()).contains("textContent");
        assertThat(dev.adminResponse("GET", "/transactions/x/resolve").statusCode()).isEqualTo(405);
    }
}
