package dev.entente.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.entente.agent.apps.OrderService;
import dev.entente.agent.testing.ServiceProcess;
import dev.entente.agent.testing.Shop;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two deployments given the same cluster name ({@code --cluster-id agent-it}), each a coordinator and its
 * two services, whose stock databases live on one MariaDB server. {@code XA RECOVER} lists every prepared
 * branch of the server, so each RM's recovery sees the other deployment's branches. Before a cluster's id
 * had a random part, B's recovery took A's prepared branch for one of its own, asked B's coordinator,
 * got "unknown" (presumed abort) and rolled it back: A's order committed with its stock never taken.
 */
@Timeout(600)
class ClusterIdentityTest {

    @Test
    void aClusterOfTheSameNameNeverTouchesAnotherClustersBranches() throws Exception {
        try (Shop a = new Shop("same_name_a", "hikari"); Shop b = new Shop("same_name_b", "hikari")) {
            assertThat(a.clusterId).startsWith(Shop.CLUSTER + "-").isNotEqualTo(b.clusterId);
            assertThat(b.clusterId).startsWith(Shop.CLUSTER + "-");

            // A's stock branch is prepared and its service dies before phase 2 reaches it
            HttpResponse<String> answer = a.orderWhileTheStockServiceDiesAfterPrepare("n1", "apple", 7);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);

            // B's stock service starts again (as after a deploy) and reaches its own database on the same server: its recovery scans
            long scansBefore = xaRecoverStatements(b);
            b.stock.kill9();
            b.stock.restart();
            HttpResponse<String> other = b.orders.post("/order?id=n2&sku=pear&quantity=1");
            for (int attempt = 2; other.statusCode() != 200 && attempt <= 3; attempt++) {
                // a fresh JVM on a busy machine may outlast the order's 3 s timeout, as Shop's warm-up knows
                other = b.orders.post("/order?id=n2-" + attempt + "&sku=pear&quantity=1");
            }
            assertThat(other.statusCode()).as(other.body()).isEqualTo(200);
            // B's recovery scan runs in the background once B reached the database (nothing else scans that server now)
            await().atMost(Duration.ofSeconds(60)).until(() -> xaRecoverStatements(b) > scansBefore);
            Thread.sleep(3000); // what the scan found, it would have settled by now
            assertThat(a.stockHasPrepared()).as("A's committed branch is still there for A to finish").isTrue();
            assertThat(b.stock.log()).doesNotContain(a.clusterId);

            // A's stock service comes back and finishes its own branch: the order took its stock
            a.stock.restart();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(a.stockOf("apple")).isEqualTo(993));
            assertThat(a.ordersWithId("n1")).isEqualTo(1);
            a.assertNoPreparedTransactionsLeft();
            b.assertNoPreparedTransactionsLeft();
        }
    }

    /** {@code XA RECOVER} statements the MariaDB server of {@code shop}'s stock database has run (every client's). */
    private static long xaRecoverStatements(Shop shop) throws Exception {
        return Shop.count(shop.stockUrl, "select variable_value from information_schema.global_status where variable_name = 'COM_XA_RECOVER'");
    }

    /**
     * The {@code cluster} setting is a check: an application configured for another cluster than its
     * coordinator's says so in its log and runs no global transaction (before, its recovery silently
     * touched nothing, and the branches it left prepared held their row locks for good).
     */
    @Test
    void anApplicationConfiguredForAnotherClusterSaysSoAndBeginsNothing() throws Exception {
        try (Shop shop = new Shop("other_cluster", "hikari")) {
            Path work = Files.createTempDirectory("entente-other-cluster");
            String agent = "coordinator=" + shop.coordinator.clientAddress() + ",cluster=elsewhere,app=orders";
            try (ServiceProcess orders = ServiceProcess.start(work, "orders-elsewhere", agent, OrderService.class,
                    shop.ordersUrl, "hikari", shop.stock.baseUrl(), "jdk")) {
                HttpResponse<String> reply = orders.post("/order?id=e1&sku=apple&quantity=1");

                assertThat(reply.statusCode()).isEqualTo(500);
                assertThat(reply.body()).contains("is cluster '" + shop.clusterId + "'")
                        .contains("configured for cluster 'elsewhere'");
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(orders.log())
                        .contains("ERROR").contains("configured for cluster 'elsewhere'"));
                assertThat(shop.ordersWithId("e1")).isZero();
                assertThat(shop.stockOf("apple")).isEqualTo(1000);
            }
        }
    }
}
