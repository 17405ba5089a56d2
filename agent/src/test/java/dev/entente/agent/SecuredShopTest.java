package dev.entente.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.entente.agent.apps.OrderService;
import dev.entente.agent.testing.ServiceProcess;
import dev.entente.agent.testing.Shop;
import dev.entente.testkit.CoordinatorSecurity;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The two-service shop against a coordinator that speaks TLS and authenticates applications: the
 * agent-attached services, configured with the CA and their secrets, commit and roll back as usual.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(240)
class SecuredShopTest {

    private Path work;
    private CoordinatorSecurity security;
    private Shop shop;

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("entente-secured-shop");
        security = CoordinatorSecurity.create(work.resolve("tls")).app("orders").app("stock", "orders");
        shop = new Shop("secured", "hikari", security);
    }

    @AfterAll
    void stop() {
        if (shop != null) {
            shop.close();
        }
    }

    @Test
    void servicesWithTheCaAndTheirSecretsCommitAndRollBackGlobalTransactions() throws Exception {
        HttpResponse<String> reply = shop.orders.post("/order?id=s1&sku=apple&quantity=2");
        assertThat(reply.statusCode()).as(reply.body() + "\n" + shop.orders.log()).isEqualTo(200);
        assertThat(reply.body()).contains("placed s1").contains("in " + Shop.CLUSTER + ":");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(shop.ordersWithId("s1")).isEqualTo(1);
            assertThat(shop.stockOf("apple")).isEqualTo(998);
        });

        int pearsBefore = shop.stockOf("pear");
        HttpResponse<String> failed = shop.orders.post("/order?id=s2&sku=pear&quantity=3&fail=after-stock-service");
        assertThat(failed.statusCode()).isEqualTo(500);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(shop.ordersWithId("s2")).isZero();
            assertThat(shop.stockOf("pear")).isEqualTo(pearsBefore);
        });
        shop.assertNoPreparedTransactionsLeft();

        assertThat(shop.orders.log()).contains("TLS, authenticated as application 'orders'");
        for (String log : new String[] {shop.orders.log(), shop.stock.log(), Files.readString(shop.coordinator.logFile())}) {
            assertThat(log).doesNotContain(Files.readString(security.secretFile("orders")).trim())
                    .doesNotContain(Files.readString(security.secretFile("stock")).trim());
        }
    }

    @Test
    void aMissingSecretFileStopsStartUpNamingTheSetting() {
        Path missing = work.resolve("no-such.secret");
        String agent = "coordinator=" + shop.coordinator.clientAddress() + ",cluster=" + Shop.CLUSTER + ",app=orders,tls-ca="
                + security.authority() + ",secret-file=" + missing;
        assertThatThrownBy(() -> ServiceProcess.start(work, "orders-without-secret", agent, OrderService.class,
                shop.ordersUrl, "hikari", shop.stock.baseUrl(), "jdk"))
                .hasMessageContaining("agent argument secret-file: " + missing + " cannot be read");
        String plainText = "coordinator=" + shop.coordinator.clientAddress() + ",app=orders,secret-file=" + security.secretFile("orders");
        assertThatThrownBy(() -> ServiceProcess.start(work, "orders-secret-without-tls", plainText, OrderService.class,
                shop.ordersUrl, "hikari", shop.stock.baseUrl(), "jdk"))
                .hasMessageContaining("agent argument secret-file: needs tls-ca as well");
    }
}
