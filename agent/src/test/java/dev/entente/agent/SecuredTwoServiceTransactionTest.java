package dev.entente.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entente.agent.apps.OrderService;
import dev.entente.agent.apps.PlainJdbcApp;
import dev.entente.agent.testing.ServiceProcess;
import dev.entente.agent.testing.Shop;
import dev.entente.protocol.client.ClientSecurity;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.testkit.CoordinatorSecurity;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The two-service behaviours against a coordinator that speaks TLS and authenticates applications:
 * the agent-attached services ("orders", and "stock", which joins orders' transactions) are given the
 * CA and their secrets as agent arguments.
 */
class SecuredTwoServiceTransactionTest extends TwoServiceTransactionTest {

    private Path work;
    private CoordinatorSecurity security;

    SecuredTwoServiceTransactionTest() {
        super("hikari");
    }

    @Override
    Shop openShop(String name, String access, String stockServer, String ordersClient) throws Exception {
        work = Files.createTempDirectory("entente-secured-shop");
        security = CoordinatorSecurity.create(work.resolve("tls")).app("orders").app("stock", "orders");
        return new Shop(name + "_tls", access, security);
    }

    @Override
    CoordinatorClient ordersClient() {
        return CoordinatorClient.connect(shop.coordinator.clientAddress(),
                ClientSecurity.tls("tls-ca", security.authority()).withSecret("orders", "secret-file", security.secretFile("orders")));
    }

    @Test
    void theServicesConnectOverTlsAndNoSecretIsLogged() throws Exception {
        assertThat(shop.orders.post("/order?id=t1&sku=apple&quantity=1").statusCode()).isEqualTo(200);
        assertThat(shop.orders.log()).contains("TLS, authenticated as application 'orders'");
        assertThat(shop.stock.log()).contains("TLS, authenticated as application 'stock'");
        assertThat(Files.readString(shop.coordinator.logFile())).contains("security=TLS, 2 applications may connect");
        for (String log : new String[] {shop.orders.log(), shop.stock.log(), Files.readString(shop.coordinator.logFile())}) {
            assertThat(log).doesNotContain(Files.readString(security.secretFile("orders")).trim())
                    .doesNotContain(Files.readString(security.secretFile("stock")).trim());
        }
    }

    @Test
    void anApplicationTheCoordinatorRefusesFailsItsCallsAtOnceNamingTheRefusal() throws Exception {
        // the name orders with stock's secret: TLS succeeds, then the coordinator refuses the application
        String agent = "coordinator=" + shop.coordinator.clientAddress() + ",app=orders,tls-ca=" + security.authority()
                + ",secret-file=" + security.secretFile("stock");
        String output = ServiceProcess.run(work, "orders-with-stocks-secret", agent, PlainJdbcApp.class, "refused_secret",
                "--transactional");

        assertThat(output).contains("transactional failed: dev.entente.api.GlobalTransactionException")
                .contains("no coordinator accepts connections at [" + shop.coordinator.clientAddress() + "]")
                .contains("the coordinator refused this application (Session refused: application 'orders' did not authenticate")
                .contains("are settings coordinator, tls-ca and secret-file right?")
                .doesNotContain(Files.readString(security.secretFile("stock")).trim());
        // each attempt ends at the refusal, not after the first connection's 20 s wait and the 5 s for a welcome
        assertThat(PlainJdbcApp.attemptMillis(output, 1)).as(output).isLessThan(15_000);
        assertThat(PlainJdbcApp.attemptMillis(output, 2)).as(output).isLessThan(15_000);
    }

    @Test
    void aMissingSecretFileOrASecretWithoutTlsStopsStartUpNamingTheSetting() {
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
