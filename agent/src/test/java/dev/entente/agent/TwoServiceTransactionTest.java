package dev.entente.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.entente.agent.testing.Shop;
import dev.entente.bootstrap.HttpHook;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.protocol.client.XidMint;
import dev.entente.testkit.PrometheusText;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Service A (PostgreSQL) calls service B (MariaDB) over HTTP inside one {@code @GlobalTransactional}
 * method; both run in their own JVMs with the agent attached and no Entente code but the annotation.
 * Each subclass plugs in one way of reaching the databases, and the HTTP server B runs behind and the
 * client A calls it with.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
abstract class TwoServiceTransactionTest {

    private final String access;
    private final String stockServer;
    private final String ordersClient;
    Shop shop;

    TwoServiceTransactionTest(String access) {
        this(access, "jdk", "jdk");
    }

    /** See {@link Shop#Shop(String, String, String, String)} for the names. */
    TwoServiceTransactionTest(String access, String stockServer, String ordersClient) {
        this.access = access;
        this.stockServer = stockServer;
        this.ordersClient = ordersClient;
    }

    @BeforeAll
    void start() throws Exception {
        shop = openShop(String.join("_", access, stockServer, ordersClient).replace('-', '_'), access, stockServer, ordersClient);
    }

    /** The shop the behaviours run against; a subclass may set it up differently (e.g. secured). */
    Shop openShop(String name, String access, String stockServer, String ordersClient) throws Exception {
        return new Shop(name, access, stockServer, ordersClient);
    }

    @AfterAll
    void stop() {
        if (shop != null) {
            shop.close();
        }
    }

    /**
     * Also the price in coordinator calls: the order service owns the transaction, so it mints the XID
     * itself (no Begin) and its own branch (PostgreSQL) is never registered (its vote rides the Commit).
     * The stock service's vote rides its response to the order service, and from there the Commit:
     * one call in all (the JDK's server, and WebFlux, show this process the moment before their response
     * leaves). Served by a Servlet container, whose response may leave without notice (a full buffer), the
     * stock service registers its branch first (one more call), and its vote still rides.
     */
    @Test
    void bothServicesCommit() throws Exception {
        String before = shop.coordinator.admin("/metrics");

        HttpResponse<String> reply = shop.orders.post("/order?id=o1&sku=apple&quantity=2");

        assertThat(reply.statusCode()).as(reply.body() + "\n" + shop.orders.log()).isEqualTo(200);
        assertThat(reply.body()).contains("placed o1").contains("in " + shop.clusterId + ":");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(shop.ordersWithId("o1")).isEqualTo(1);
            assertThat(shop.stockOf("apple")).isEqualTo(998);
        });
        shop.assertNoPreparedTransactionsLeft();
        String after = shop.coordinator.admin("/metrics");
        long registrations = stockServer.equals("jdk") || stockServer.startsWith("webflux") ? 0 : 1;
        assertThat(requests(after, "RegisterBranch") - requests(before, "RegisterBranch")).as("RegisterBranch calls")
                .isEqualTo(registrations);
        assertThat(requests(after, "ReportBranch") - requests(before, "ReportBranch")).as("ReportBranch calls").isZero();
        assertThat(requests(after, "Commit") - requests(before, "Commit")).as("Commit calls").isEqualTo(1);
    }

    /** Calls of {@code method} the coordinator counted (every method of its service has a series from its start). */
    private static long requests(String metrics, String method) {
        return PrometheusText.value(metrics, "entente_requests_total{method=\"" + method + "\"}");
    }

    @Test
    void anExceptionInAAfterBReturnedRollsBackBoth() throws Exception {
        int pearsBefore = shop.stockOf("pear");

        HttpResponse<String> reply = shop.orders.post("/order?id=o2&sku=pear&quantity=3&fail=after-stock-service");

        assertThat(reply.statusCode()).isEqualTo(500);
        assertThat(reply.body()).contains("order service failed after the stock service returned");
        // the order service's own branch, prepared and never registered, is named by no decision: the
        // order service rolls it back itself before it answers (else it would wait for a recovery scan)
        assertThat(shop.ordersHavePrepared()).as("a prepared branch left in the order service's database").isFalse();
        assertRolledBack("o2", "pear", pearsBefore);
    }

    @Test
    void anExceptionInBRollsBackBoth() throws Exception {
        int pearsBefore = shop.stockOf("pear");

        HttpResponse<String> reply = shop.orders.post("/order?id=o3&sku=pear&quantity=4&fail=in-stock-service");

        assertThat(reply.statusCode()).isEqualTo(500);
        assertThat(reply.body()).contains("stock service answered 500");
        assertRolledBack("o3", "pear", pearsBefore);
    }

    /**
     * B's handler fails after its {@code @GlobalTransactional} method returned, and B answers 500 without the
     * exception leaving the server's handler (the test apps catch it, as Spring MVC's exception handlers do;
     * WebFlux answers an error signal so; gRPC closes the call with an error status): that server error rolls
     * back B's work, even when A ignores the error and commits.
     */
    @Test
    void aServerErrorFromBAfterItsWorkRollsBackBothThoughAIgnoresIt() throws Exception {
        int pearsBefore = shop.stockOf("pear");

        HttpResponse<String> reply = shop.orders.post("/order?id=o5&sku=pear&quantity=6&stock-errors=ignore&stock="
                + URLEncoder.encode("/reserve-then-answer-error?sku=pear&quantity=6", StandardCharsets.UTF_8));

        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(500);
        assertThat(reply.body()).contains("TransactionRolledBackException");
        assertRolledBack("o5", "pear", pearsBefore);
    }

    @Test
    void aTimeoutRollsBackBoth() throws Exception {
        int pearsBefore = shop.stockOf("pear");

        HttpResponse<String> reply = shop.orders.post("/order?id=o4&sku=pear&quantity=5&sleep=4500");

        assertThat(reply.statusCode()).isEqualTo(500);
        assertThat(reply.body()).contains("TransactionRolledBackException").containsPattern("timed out: its deadline passed|past its deadline");
        assertRolledBack("o4", "pear", pearsBefore);
    }

    /**
     * A request that carries a live XID with a forged token cannot join its transaction: the stock
     * service runs it inside the transaction, the coordinator refuses its branch, and nothing of its
     * work survives; the same request with the transaction's token joins, and commits with it.
     */
    @Test
    void aRequestWithAForgedTokenCannotJoinTheTransaction() throws Exception {
        int applesBefore = shop.stockOf("apple");
        try (CoordinatorClient tm = ordersClient()) {
            XidMint xids = XidMint.withOwnSession(tm, "orders", "token-test-tm", Duration.ofSeconds(20));
            String xid = xids.mint(20_000);
            String token = tm.tokens().get(xid);
            String forged = (token.charAt(0) == 'A' ? "B" : "A") + token.substring(1);

            HttpResponse<String> refused = reserve(xid, forged, "apple", 5);

            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(500);
            assertThat(tm.commit(xid, true).getOutcome()).isEqualTo(Outcome.COMMITTED);
            assertThat(shop.stockOf("apple")).isEqualTo(applesBefore);
            shop.assertNoPreparedTransactionsLeft();

            String joined = xids.mint(20_000);
            HttpResponse<String> reserved = reserve(joined, tm.tokens().get(joined), "apple", 5);

            assertThat(reserved.statusCode()).as(reserved.body() + "\n" + shop.stock.log()).isEqualTo(200);
            assertThat(tm.commit(joined, true).getOutcome()).isEqualTo(Outcome.COMMITTED);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(shop.stockOf("apple")).isEqualTo(applesBefore - 5));
        }
    }

    /** A client of the coordinator as application "orders", whose transactions the stock service joins. */
    CoordinatorClient ordersClient() {
        return CoordinatorClient.connect(shop.coordinator.clientAddress());
    }

    /** A request straight to the stock service, carrying {@code xid} and {@code token} as a caller's agent would. */
    private HttpResponse<String> reserve(String xid, String token, String sku, int quantity) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(shop.stock.baseUrl() + "/reserve?sku=" + sku + "&quantity=" + quantity))
                .header(HttpHook.XID_HEADER, xid).header(HttpHook.TOKEN_HEADER, token)
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    void assertRolledBack(String order, String sku, int stockBefore) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(shop.ordersWithId(order)).isZero();
            assertThat(shop.stockOf(sku)).isEqualTo(stockBefore);
        });
        shop.assertNoPreparedTransactionsLeft();
    }
}

class HikariTwoServiceTransactionTest extends TwoServiceTransactionTest {
    HikariTwoServiceTransactionTest() {
        super("hikari");
    }
}

class DriverManagerTwoServiceTransactionTest extends TwoServiceTransactionTest {
    DriverManagerTwoServiceTransactionTest() {
        super("drivermanager", "jdk", "urlconnection");
    }
}

/** The order service calls the stock service with {@code HttpClient.sendAsync}: the votes come through the future. */
class AsyncClientTwoServiceTransactionTest extends TwoServiceTransactionTest {
    AsyncClientTwoServiceTransactionTest() {
        super("hikari", "jdk", "jdkasync");
    }
}

class SpringTwoServiceTransactionTest extends TwoServiceTransactionTest {
    SpringTwoServiceTransactionTest() {
        super("spring");
    }
}

class TomcatJavaxServletTwoServiceTransactionTest extends TwoServiceTransactionTest {
    TomcatJavaxServletTwoServiceTransactionTest() {
        super("hikari", "tomcat9", "httpclient5");
    }
}

class JettyJakartaServletTwoServiceTransactionTest extends TwoServiceTransactionTest {
    JettyJakartaServletTwoServiceTransactionTest() {
        super("spring", "jetty12", "httpclient5");
    }
}

/** The order service calls the stock service with Apache HttpClient 5's async client: the votes come through its callback. */
class AsyncApacheClientTwoServiceTransactionTest extends TwoServiceTransactionTest {
    AsyncApacheClientTwoServiceTransactionTest() {
        super("hikari", "jdk", "httpclient5async");
    }
}

class OkHttpTwoServiceTransactionTest extends TwoServiceTransactionTest {
    OkHttpTwoServiceTransactionTest() {
        super("hikari", "jdk", "okhttp");
    }
}

/** The Jetty client, calling a Jetty server: the response's votes are taken on the client's I/O thread. */
class JettyClientTwoServiceTransactionTest extends TwoServiceTransactionTest {
    JettyClientTwoServiceTransactionTest() {
        super("hikari", "jetty12", "jettyclient");
    }
}

/**
 * Spring's WebClient on Reactor Netty calling a WebFlux controller whose blocking work runs on {@code
 * Schedulers.boundedElastic()}: the votes come back in the response, read on the client's event loop.
 */
class WebFluxTwoServiceTransactionTest extends TwoServiceTransactionTest {
    WebFluxTwoServiceTransactionTest() {
        super("hikari", "webflux-elastic", "webclient");
    }
}

/** WebClient calling the JDK's server, its request subscribed to on a thread outside the transaction: it carries what it was built with. */
class WebClientTwoServiceTransactionTest extends TwoServiceTransactionTest {
    WebClientTwoServiceTransactionTest() {
        super("hikari", "jdk", "webclient-own-thread");
    }
}

/** OkHttp calling a WebFlux controller that does its blocking work in the controller method, on the event loop. */
class OkHttpToWebFluxTwoServiceTransactionTest extends TwoServiceTransactionTest {
    OkHttpToWebFluxTwoServiceTransactionTest() {
        super("hikari", "webflux", "okhttp");
    }
}
