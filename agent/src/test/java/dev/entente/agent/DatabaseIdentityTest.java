package dev.entente.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.entente.agent.apps.OrderService;
import dev.entente.agent.apps.StockService;
import dev.entente.agent.testing.ServiceProcess;
import dev.entente.agent.testing.Shop;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.JvmProcess;
import dev.entente.testkit.TcpProxy;
import dev.entente.testkit.TestDatabase;
import dev.entente.testkit.TestDatabases;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A database is named by its server's identity, so an address that leads to another server (after a
 * failover behind a fixed address, or a URL that names another machine's database) cannot make phase 2
 * count that server's "unknown Xid" as the branch finished. Two real PostgreSQL servers with databases
 * of the same name; the stock service reaches "its" database through one fixed address (a TCP proxy)
 * that leads first to server A, then, between prepare and phase 2, to server B.
 */
@Timeout(300)
class DatabaseIdentityTest {

    private static final Pattern PORT = Pattern.compile("//127\\.0\\.0\\.1:([0-9]+)/");

    private final TestDatabase serverA = TestDatabases.embeddedPostgres();
    private final TestDatabase serverB = TestDatabases.embeddedPostgres();
    private Path work;
    private TcpProxy address;
    private CoordinatorProcess coordinator;
    private ServiceProcess stock;
    private ServiceProcess orders;

    @AfterEach
    void stop() {
        for (AutoCloseable part : new AutoCloseable[] {orders, stock, coordinator, address}) {
            try {
                if (part != null) {
                    part.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @Test
    void phaseTwoThatReachesAnotherServerAtTheBranchsAddressLeavesItInDoubtUntilItsOwnServerAnswers() throws Exception {
        work = Files.createTempDirectory("entente-identity");
        String stockOnA = stockDatabase(serverA);
        String stockOnB = stockDatabase(serverB);
        String ordersUrl = serverA.createDatabase("orders_identity");
        Shop.execute(ordersUrl, "create table orders (id varchar(40) primary key, sku varchar(40) not null, quantity int not null)");
        address = new TcpProxy("127.0.0.1", port(stockOnA));
        String stockAtTheAddress = stockOnA.replace("//127.0.0.1:" + port(stockOnA) + "/", "//" + address.address() + "/");
        coordinator = CoordinatorProcess.dev(work, "--cluster-id", Shop.CLUSTER).start().awaitServing();
        String agent = "coordinator=" + coordinator.clientAddress() + ",cluster=" + Shop.CLUSTER;
        stock = ServiceProcess.start(work, "stock-identity", agent + ",app=stock", StockService.class, stockAtTheAddress, "hikari");
        orders = ServiceProcess.start(work, "orders-identity", agent + ",app=orders", OrderService.class, ordersUrl, "hikari",
                stock.baseUrl());
        warmUp();
        await().atMost(Duration.ofSeconds(20)).until(() -> preparedHere(serverA) == 0); // the warm-up's phase 2 is over
        String nameOnA = "postgresql://" + systemIdentifier(serverA) + "/stock_identity";
        String nameOnB = "postgresql://" + systemIdentifier(serverB) + "/stock_identity";
        assertThat(stock.log()).contains("XA resource " + nameOnA + " reached at " + address.address());

        // the order service sleeps 1.5 s after the stock service answered: its branch is prepared on A by then
        CompletableFuture<HttpResponse<String>> reply = orders.postAsync("/order?id=f1&sku=apple&quantity=7&sleep=1500");
        await().atMost(Duration.ofSeconds(10)).until(() -> preparedHere(serverA) >= 2); // the order's branch and the stock's
        address.retarget("127.0.0.1", port(stockOnB)); // "failover": the stock's address now leads to B

        HttpResponse<String> answer = reply.get(30, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        String xid = answer.body().substring(answer.body().lastIndexOf(" in ") + 4).trim();

        // phase 2 of the stock's branch reaches B, which knows no such Xid: not done, in doubt, visible
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(coordinator.admin("/transactions/" + encode(xid)))
                .contains("\"inDoubt\" : true").contains("is " + nameOnB + ", not " + nameOnA));
        String shown = txShow(xid);
        assertThat(shown).contains("state:      COMMITTED, in doubt")
                .containsPattern("branch [0-9]+, last phase-2 failure: XA COMMIT of branch [0-9]+ of " + Pattern.quote(xid)
                        + " on " + Pattern.quote(nameOnA) + ": the database reached at " + Pattern.quote(address.address())
                        + " is " + Pattern.quote(nameOnB) + ", not " + Pattern.quote(nameOnA));
        assertThat(wrongDatabaseCount()).isPositive();
        assertThat(serverA.preparedTransactions()).as("the stock's branch is still prepared on A").contains(xid);
        assertThat(stockOf(stockOnA)).isEqualTo(1000);
        assertThat(stockOf(stockOnB)).isEqualTo(1000);

        address.retarget("127.0.0.1", port(stockOnA)); // the address leads to A again: phase 2 goes on and commits there

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(stockOf(stockOnA)).isEqualTo(993));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(txShow(xid)).contains("COMMITTED, finished"));
        assertThat(serverA.preparedTransactions()).noneMatch(this::ofThisCluster);
        assertThat(serverB.preparedTransactions()).noneMatch(this::ofThisCluster);
        assertThat(stockOf(stockOnB)).as("B was never touched").isEqualTo(1000);
        assertThat(Shop.count(ordersUrl, "select count(*) from orders where id = 'f1'")).isEqualTo(1);
    }

    /**
     * Orders of nothing until one commits, so the order the test times (against a 3 s timeout) does not
     * also pay for loading and compiling fresh JVMs' classes on a busy machine (as {@link Shop} does).
     */
    private void warmUp() throws Exception {
        HttpResponse<String> reply = orders.post("/order?id=warm-up-1&sku=apple&quantity=0");
        for (int attempt = 2; reply.statusCode() != 200 && attempt <= 3; attempt++) {
            reply = orders.post("/order?id=warm-up-" + attempt + "&sku=apple&quantity=0");
        }
        assertThat(reply.statusCode()).as("the warm-up order, three times: " + reply.body()).isEqualTo(200);
    }

    /** A database {@code stock_identity} with 1000 apples on {@code server}; its URL. */
    private static String stockDatabase(TestDatabase server) throws SQLException {
        String url = server.createDatabase("stock_identity");
        Shop.execute(url, "create table stock (sku varchar(40) primary key, quantity int not null)");
        Shop.execute(url, "insert into stock values ('apple', 1000), ('pear', 1000)");
        return url;
    }

    private long preparedHere(TestDatabase server) {
        return server.preparedTransactions().stream().filter(this::ofThisCluster).count();
    }

    /** A prepared branch of this test's coordinator cluster (its id, not only its name: other runs share the name). */
    private boolean ofThisCluster(String gtrid) {
        return gtrid.startsWith(coordinator.clusterId() + ":");
    }

    private static int stockOf(String url) throws SQLException {
        return Shop.count(url, "select quantity from stock where sku = 'apple'");
    }

    /** The server's identity, asked of it directly (as {@code pg_controldata} shows it). */
    private static String systemIdentifier(TestDatabase server) throws SQLException {
        try (Connection connection = DriverManager.getConnection(server.jdbcUrl("postgres"));
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("select system_identifier from pg_control_system()")) {
            row.next();
            return row.getString(1);
        }
    }

    private static int port(String jdbcUrl) {
        Matcher m = PORT.matcher(jdbcUrl);
        if (!m.find()) {
            throw new IllegalArgumentException("no 127.0.0.1 port in " + jdbcUrl);
        }
        return Integer.parseInt(m.group(1));
    }

    private long wrongDatabaseCount() {
        return coordinator.metric("entente_phase_two_wrong_database_total");
    }

    /** What {@code bin/entente tx show XID} prints: the CLI in its own JVM, from the coordinator's jar. */
    private String txShow(String xid) throws Exception {
        Path log = Files.createTempFile(work, "tx-show", ".log");
        JvmProcess cli = new JvmProcess("tx-show", List.of("-cp", System.getProperty("entente.coordinator.jar"),
                "dev.entente.coordinator.cli.TxCommand", "show", xid, "--admin", coordinator.adminAddress(),
                "--admin-read-token-file", coordinator.readTokenFile().orElseThrow().toString()), log, "");
        assertThat(cli.runToExit(Duration.ofSeconds(60))).as(Files.readString(log)).isZero();
        return Files.readString(log);
    }

    private static String encode(String xid) {
        return URLEncoder.encode(xid, StandardCharsets.UTF_8);
    }
}
