package dev.entente.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.entente.agent.apps.OrderService;
import dev.entente.agent.apps.StockService;
import dev.entente.agent.testing.ServiceProcess;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.TestDatabase;
import dev.entente.testkit.TestDatabases;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Service A (PostgreSQL) calls service B (MariaDB) over HTTP inside one {@code @GlobalTransactional}
 * method; both run in their own JVMs with the agent attached and no Entente code but the annotation.
 * Each subclass plugs in one way of reaching the databases.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
abstract class TwoServiceTransactionTest {

    private static final String CLUSTER = "agent-it";

    private final String access;
    private Path work;
    private TestDatabase postgres;
    private TestDatabase mariadb;
    private String ordersUrl;
    private String stockUrl;
    private CoordinatorProcess coordinator;
    private ServiceProcess stock;
    private ServiceProcess orders;

    TwoServiceTransactionTest(String access) {
        this.access = access;
    }

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("entente-" + access);
        postgres = TestDatabases.postgres();
        mariadb = TestDatabases.mariadb();
        ordersUrl = postgres.createDatabase("orders_" + access);
        stockUrl = mariadb.createDatabase("stock_" + access);
        execute(ordersUrl, "create table orders (id varchar(40) primary key, sku varchar(40) not null, quantity int not null)");
        execute(stockUrl, "create table stock (sku varchar(40) primary key, quantity int not null)");
        execute(stockUrl, "insert into stock values ('apple', 1000), ('pear', 1000)");
        coordinator = CoordinatorProcess.dev(work, "--cluster-id", CLUSTER).start().awaitServing();
        String agent = "coordinator=" + coordinator.clientAddress() + ",cluster=" + CLUSTER;
        stock = ServiceProcess.start(work, "stock-" + access, agent + ",app=stock", StockService.class, stockUrl, access);
        orders = ServiceProcess.start(work, "orders-" + access, agent + ",app=orders", OrderService.class, ordersUrl, access,
                stock.baseUrl());
    }

    @AfterAll
    void stop() {
        for (AutoCloseable process : new AutoCloseable[] {orders, stock, coordinator}) {
            try {
                if (process != null) {
                    process.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @Test
    void bothServicesCommit() throws Exception {
        HttpResponse<String> reply = orders.post("/order?id=o1&sku=apple&quantity=2");

        assertThat(reply.statusCode()).as(reply.body() + "\n" + orders.log()).isEqualTo(200);
        assertThat(reply.body()).contains("placed o1").contains("in " + CLUSTER + ":");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(count(ordersUrl, "select count(*) from orders where id = 'o1'")).isEqualTo(1);
            assertThat(count(stockUrl, "select quantity from stock where sku = 'apple'")).isEqualTo(998);
        });
        assertNoPreparedTransactionsLeft();
    }

    @Test
    void anExceptionInAAfterBReturnedRollsBackBoth() throws Exception {
        int pearsBefore = count(stockUrl, "select quantity from stock where sku = 'pear'");

        HttpResponse<String> reply = orders.post("/order?id=o2&sku=pear&quantity=3&fail=after-stock-service");

        assertThat(reply.statusCode()).isEqualTo(500);
        assertThat(reply.body()).contains("order service failed after the stock service returned");
        assertRolledBack("o2", "pear", pearsBefore);
    }

    @Test
    void anExceptionInBRollsBackBoth() throws Exception {
        int pearsBefore = count(stockUrl, "select quantity from stock where sku = 'pear'");

        HttpResponse<String> reply = orders.post("/order?id=o3&sku=pear&quantity=4&fail=in-stock-service");

        assertThat(reply.statusCode()).isEqualTo(500);
        assertThat(reply.body()).contains("stock service answered 500");
        assertRolledBack("o3", "pear", pearsBefore);
    }

    @Test
    void aTimeoutRollsBackBoth() throws Exception {
        int pearsBefore = count(stockUrl, "select quantity from stock where sku = 'pear'");

        HttpResponse<String> reply = orders.post("/order?id=o4&sku=pear&quantity=5&sleep=4500");

        assertThat(reply.statusCode()).isEqualTo(500);
        assertThat(reply.body()).contains("TransactionRolledBackException").contains("timed out after 3000 ms");
        assertRolledBack("o4", "pear", pearsBefore);
    }

    private void assertRolledBack(String order, String sku, int stockBefore) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(count(ordersUrl, "select count(*) from orders where id = '" + order + "'")).isZero();
            assertThat(count(stockUrl, "select quantity from stock where sku = '" + sku + "'")).isEqualTo(stockBefore);
            assertNoPreparedTransactionsLeft();
        });
    }

    private void assertNoPreparedTransactionsLeft() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(postgres.preparedTransactions()).noneMatch(xid -> xid.startsWith(CLUSTER + ":"));
            assertThat(mariadb.preparedTransactions()).noneMatch(xid -> xid.startsWith(CLUSTER + ":"));
        });
    }

    static void execute(String url, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    static int count(String url, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getInt(1);
        }
    }
}

class HikariTwoServiceTransactionTest extends TwoServiceTransactionTest {
    HikariTwoServiceTransactionTest() {
        super("hikari");
    }
}

class DriverManagerTwoServiceTransactionTest extends TwoServiceTransactionTest {
    DriverManagerTwoServiceTransactionTest() {
        super("drivermanager");
    }
}

class SpringTwoServiceTransactionTest extends TwoServiceTransactionTest {
    SpringTwoServiceTransactionTest() {
        super("spring");
    }
}
