package dev.entente.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.Rows;
import dev.entente.testkit.TestDatabases;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The starter in two real Spring Boot applications, the orders service on Boot 3 (PostgreSQL) and the stock
 * service on Boot 4 (MariaDB), each a JVM with the agent attached without arguments and its Entente settings in
 * its {@code application.yml}, and a real coordinator: a committed and a rolled-back two-service transaction,
 * Actuator's health {@code entente} UP, DOWN with the reason while recovery cannot scan the stock service's database
 * (dropped) and UP again once it can, then DOWN once the coordinator is killed, and Entente's
 * meters at {@code /actuator/metrics}; without the agent, a warning that the settings have no effect and the health
 * DOWN with that reason.
 */
@Timeout(600)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpringBootStarterTest {

    @TempDir
    static Path work;
    static CoordinatorProcess coordinator;
    static String postgres;
    static String mariadb;
    static BootApplication stock;
    static BootApplication orders;

    @BeforeAll
    static void start() {
        postgres = TestDatabases.postgres().createDatabase("boot_orders");
        mariadb = TestDatabases.mariadb().createDatabase("boot_stock");
        coordinator = CoordinatorProcess.dev(work).start().awaitServing();
        Map<String, String> stockSettings = settings("stock-boot4", mariadb);
        stockSettings.put("entente.recovery-interval", "1000");
        stock = BootApplication.start(work, "stock-boot4", 4, BootApplication.yaml(stockSettings));
        Map<String, String> ordersSettings = settings("orders-boot3", postgres);
        ordersSettings.put("shop.stock-url", stock.baseUrl());
        orders = BootApplication.start(work, "orders-boot3", 3, BootApplication.yaml(ordersSettings));
    }

    private static Map<String, String> settings(String app, String url) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("entente.coordinator", coordinator.clientAddress());
        settings.put("entente.app", app);
        settings.put("spring.datasource.url", url);
        return settings;
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable process : new AutoCloseable[] {orders, stock, coordinator}) {
            try {
                if (process != null) {
                    process.close();
                }
            } catch (Exception e) {
                // the others still stop
            }
        }
    }

    @Test
    @Order(1)
    void theSettingsOfApplicationYmlReachTheAgentAndTheHealthIsUp() throws Exception {
        assertThat(orders.log()).contains("Entente: settings [entente.app, entente.coordinator, entente.timeout] from "
                + "Spring's environment");
        assertThat(stock.log()).contains("Entente: settings [entente.app, entente.coordinator, entente.recovery-interval, "
                + "entente.timeout] from Spring's environment");
        for (BootApplication service : List.of(orders, stock)) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(health(service).path("status").asText())
                    .as("%s", health(service)).isEqualTo("UP"));
        }
        JsonNode details = health(orders).path("details");
        assertThat(details.path("app").asText()).isEqualTo("orders-boot3");
        assertThat(details.path("coordinator").asText()).isEqualTo(coordinator.clientAddress());
        assertThat(details.path("rmSession").asText()).isEqualTo("up");
        assertThat(details.path("inDoubtBranches").asInt()).isZero();
        assertThat(details.has("cluster")).isTrue();
        assertThat(health(stock).path("details").path("app").asText()).isEqualTo("stock-boot4");
    }

    @Test
    @Order(2)
    void aTwoServiceTransactionCommitsAndOneRollsBackWithTheirMeters() throws Exception {
        HttpResponse<String> committed = orders.post("/orders?item=book");
        HttpResponse<String> rolledBack = orders.post("/orders?item=pen&fail=true");

        assertThat(committed.statusCode()).as(committed.body()).isEqualTo(200);
        assertThat(rolledBack.statusCode()).isEqualTo(500);
        assertThat(items(postgres, "orders")).containsExactly("book");
        // the stock service's branch is committed by the coordinator's phase 2 (over its RM session), after the
        // orders service's commit returned: only the orders service's own branch was committed before its reply
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(items(mariadb, "stock_moves")).containsExactly("book"));
        // the coordinator knows the application by the name application.yml gave it
        assertThat(coordinator.metric("entente_app_transactions_committed_total{app=\"orders-boot3\"}")).isEqualTo(1);

        assertThat(orders.meter("entente.tm.transactions.committed")).containsEntry("COUNT", 1.0);
        assertThat(orders.meter("entente.tm.transactions.rolled.back")).containsEntry("COUNT", 1.0);
        assertThat(orders.meter("entente.tm.commit").get("COUNT")).isEqualTo(1.0);
        assertThat(orders.meter("entente.tm.commit").get("TOTAL_TIME")).isPositive();
        assertThat(orders.meter("entente.tm.transaction.branches")).containsEntry("COUNT", 1.0).containsEntry("TOTAL", 2.0);
        assertThat(orders.meter("entente.rm.branch.prepare").get("COUNT")).isEqualTo(1.0);
        assertThat(orders.meter("entente.lock.wait")).containsEntry("COUNT", 0.0);
        assertThat(orders.meter("entente.rm.recovery.actions")).containsEntry("COUNT", 0.0);
        // the stock service only joined: its branches prepared twice (the second rolled back by the orders service's failure)
        assertThat(stock.meter("entente.rm.branch.prepare").get("COUNT")).isEqualTo(2.0);
        // a recovery scan (every second here) that ran while a branch was prepared and its decision not yet made counts
        // it in doubt until the next scan: nothing may stay in doubt once both transactions have ended
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(stock.meter("entente.rm.recovery.in.doubt")).containsEntry("VALUE", 0.0));
        assertThat(stock.meter("entente.tm.transactions.begun")).containsEntry("COUNT", 0.0);
    }

    @Test
    @Order(3)
    void theHealthIsDownWhileRecoveryCannotScanADatabaseAndUpOnceItCan() throws Exception {
        String database = mariadb.substring(mariadb.lastIndexOf('/') + 1, mariadb.indexOf('?'));
        try (Connection server = DriverManager.getConnection(mariadb); Statement statement = server.createStatement()) {
            // recovery keeps a connection open, on which XA RECOVER (server-wide) would still work: it is cut too
            closeSessionsOf(statement, database);
            statement.executeUpdate("drop database " + database);
            closeSessionsOf(statement, database);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(health(stock).path("status").asText())
                    .as("%s", health(stock)).isEqualTo("DOWN"));
            JsonNode details = health(stock).path("details");
            assertThat(details.path("reason").asText()).startsWith("recovery cannot scan mariadb://").contains(database)
                    .contains("stay prepared");
            assertThat(details.path("recoveryScanFailures").size()).isEqualTo(1);
            assertThat(details.path("rmSession").asText()).isEqualTo("up");

            statement.executeUpdate("create database " + database);
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(health(stock).path("status").asText())
                .as("%s", health(stock)).isEqualTo("UP"));
        assertThat(health(orders).path("status").asText()).isEqualTo("UP");
    }

    @Test
    @Order(4)
    void theHealthIsDownWithTheReasonOnceTheCoordinatorIsKilled() throws Exception {
        coordinator.kill9();
        for (BootApplication service : List.of(orders, stock)) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(health(service).path("status").asText())
                    .isEqualTo("DOWN"));
            JsonNode details = health(service).path("details");
            assertThat(details.path("reason").asText()).contains("RM session").contains(coordinator.clientAddress())
                    .contains("no coordinator leader answered");
            assertThat(details.path("rmSession").asText()).isEqualTo("down");
        }
    }

    @Test
    @Order(5)
    void withoutTheAgentTheSettingsAreSaidToHaveNoEffectAndTheHealthIsDownWithThatReason() throws Exception {
        try (BootApplication alone = BootApplication.startWithoutAgent(work, "stock-without-agent", 4,
                BootApplication.yaml(settings("stock-without-agent", mariadb)))) {
            assertThat(alone.log()).contains("Entente: the agent is not attached (-javaagent:entente-agent.jar) or is off, so "
                    + "the settings [entente.app, entente.coordinator, entente.timeout] of Spring's environment");
            JsonNode health = health(alone);
            assertThat(health.path("status").asText()).isEqualTo("DOWN");
            assertThat(health.path("details").path("reason").asText()).startsWith("the Entente agent is not attached");
        }
    }

    /** Kills every session of the MariaDB server, but this one, that works in {@code database}. */
    private static void closeSessionsOf(Statement statement, String database) throws SQLException {
        List<Long> sessions = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery("select id from information_schema.processlist where db = '" + database
                + "' and id <> connection_id()")) {
            while (rows.next()) {
                sessions.add(rows.getLong(1));
            }
        }
        for (long session : sessions) {
            try {
                statement.executeUpdate("kill " + session);
            } catch (SQLException gone) {
                // it ended by itself meanwhile
            }
        }
    }

    private static JsonNode health(BootApplication service) throws Exception {
        return service.actuator("health/entente");
    }

    private static List<String> items(String url, String table) throws SQLException {
        return Rows.column(url, "select item from " + table + " order by item");
    }
}
