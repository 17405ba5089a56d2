package dev.entente.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.entente.agent.testing.Shop;
import dev.entente.testkit.PrometheusText;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The two-service shop over gRPC: the order service (PostgreSQL) calls the stock service (MariaDB) with
 * a blocking unary call of its own grpc-java, inside one {@code @GlobalTransactional} method; the stock
 * service serves it with its own grpc-java (Netty), its handler joining the transaction with no code of
 * Entente's. Unlike HTTP, the stock service's vote does not ride its answer: its branch registers, and
 * the coordinator waits for its vote.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class GrpcTwoServiceTransactionTest {

    private Shop shop;

    @BeforeAll
    void start() throws Exception {
        shop = new Shop("grpc", "hikari", "grpc", "grpc");
    }

    @AfterAll
    void stop() {
        if (shop != null) {
            shop.close();
        }
    }

    /** One global transaction for both: one Commit (the stock service's method joins it rather than begin its own). */
    @Test
    void bothServicesCommit() throws Exception {
        String before = shop.coordinator.admin("/metrics");

        HttpResponse<String> reply = shop.orders.post("/order?id=g1&sku=apple&quantity=2");

        assertThat(reply.statusCode()).as(reply.body() + "\n" + shop.orders.log()).isEqualTo(200);
        assertThat(reply.body()).contains("placed g1").contains("in " + shop.clusterId + ":");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(shop.ordersWithId("g1")).isEqualTo(1);
            assertThat(shop.stockOf("apple")).isEqualTo(998);
        });
        shop.assertNoPreparedTransactionsLeft();
        String after = shop.coordinator.admin("/metrics");
        assertThat(commits(after) - commits(before)).as("Commit calls").isEqualTo(1);
    }

    private static long commits(String metrics) {
        return PrometheusText.value(metrics, "entente_requests_total{method=\"Commit\"}");
    }

    @Test
    void anExceptionInTheCalledServiceRollsBackBoth() throws Exception {
        int pearsBefore = shop.stockOf("pear");

        HttpResponse<String> reply = shop.orders.post("/order?id=g2&sku=pear&quantity=4&fail=in-stock-service");

        assertThat(reply.statusCode()).isEqualTo(500);
        assertThat(reply.body()).contains("stock service answered 500");
        assertRolledBack("g2", "pear", pearsBefore);
    }

    @Test
    void anExceptionInTheCallerAfterTheCallReturnedRollsBackBoth() throws Exception {
        int pearsBefore = shop.stockOf("pear");

        HttpResponse<String> reply = shop.orders.post("/order?id=g3&sku=pear&quantity=3&fail=after-stock-service");

        assertThat(reply.statusCode()).isEqualTo(500);
        assertThat(reply.body()).contains("order service failed after the stock service returned");
        assertRolledBack("g3", "pear", pearsBefore);
    }

    private void assertRolledBack(String order, String sku, int stockBefore) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(shop.ordersWithId(order)).isZero();
            assertThat(shop.stockOf(sku)).isEqualTo(stockBefore);
        });
        shop.assertNoPreparedTransactionsLeft();
    }
}
