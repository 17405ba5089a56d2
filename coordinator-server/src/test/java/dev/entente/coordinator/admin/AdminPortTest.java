package dev.entente.coordinator.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entente.coordinator.testing.StuckTransactions;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin port of a real coordinator process: resolve needs the admin token, the token never shows in
 * logs or views, read-only views and metrics stay open.
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

    @Test
    void aClusterNodeWithoutATokenFileRefusesAdminOperations() throws Exception {
        int raft = FreePorts.next();
        int clientPort = FreePorts.next();
        int adminPort = FreePorts.next();
        try (CoordinatorProcess node = new CoordinatorProcess("n1", work, clientPort, adminPort, List.of("--insecure", "--node-id", "n1",
                "--peers", "n1=127.0.0.1:" + raft, "--port", String.valueOf(clientPort), "--admin-port", String.valueOf(adminPort),
                "--data-dir", work.resolve("n1-data").toString())).start().awaitServing();
             CoordinatorClient nodeClient = CoordinatorClient.connect(node.clientAddress())) {
            assertThat(node.logTail(100)).contains("admin operations: disabled: it was started without --admin-token-file");
            String xid = new StuckTransactions(nodeClient).undecided("no-admin", "shop", "rm-x", "db-x");
            HttpResponse<String> refused = resolve(node.adminAddress(), xid, "rollback", Optional.of("anything-at-all-0123"));
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("admin operations are disabled on this node");
            assertThat(node.admin("/transactions/" + xid)).contains("\"state\" : \"ACTIVE\"");
        }
    }

    @Test
    void metricsCountPerApplicationAndShowTheRaftRole() {
        String xid = client.begin("counted", 10_000, "billing \"eu\"").getXid();
        client.rollback(xid, "", false);
        String metrics = dev.admin("/metrics");
        assertThat(metrics).contains("entente_app_transactions_begun_total{app=\"billing \\\"eu\\\"\"} 1")
                .contains("entente_app_transactions_rolled_back_total{app=\"billing \\\"eu\\\"\"} 1")
                .contains("entente_raft_role{role=\"LEADER\"} 1").contains("entente_raft_role{role=\"FOLLOWER\"} 0")
                .contains("# TYPE entente_transactions_in_doubt gauge").contains("# TYPE entente_publish_backlog gauge")
                .contains("# TYPE entente_decision_latency_seconds histogram");
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
