package dev.entente.agent.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.entente.agent.apps.OrderService;
import dev.entente.agent.apps.StockService;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.CoordinatorSecurity;
import dev.entente.testkit.TestDatabase;
import dev.entente.testkit.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The two-service shop the agent tests run: a dev coordinator, the order service (A, PostgreSQL) and
 * the stock service (B, MariaDB), each its own JVM with the agent, over fresh databases named after
 * the test. Stock starts at 1000 apples and 1000 pears.
 */
public final class Shop implements AutoCloseable {

    public static final String CLUSTER = "agent-it";

    public final TestDatabase postgres = TestDatabases.postgres();
    public final TestDatabase mariadb = TestDatabases.mariadb();
    public final String ordersUrl;
    public final String stockUrl;
    public final CoordinatorProcess coordinator;
    /** The coordinator's cluster id ({@link #CLUSTER} and a random part): every XID of this shop starts with it. */
    public final String clusterId;
    public final ServiceProcess stock;
    public final ServiceProcess orders;

    /** @param access how the services reach their databases: hikari, drivermanager or spring */
    public Shop(String name, String access) throws Exception {
        this(name, access, "jdk", "jdk");
    }

    /**
     * @param stockServer the HTTP server the stock service runs behind: jdk, tomcat9 (javax servlet), jetty12
     *                    (jakarta servlet), webflux or webflux-elastic (Spring WebFlux on Reactor Netty) or grpc (its
     *                    routes over gRPC; see HttpApp)
     * @param ordersClient the HTTP client the order service calls it with: jdk, jdkasync (sendAsync), urlconnection,
     *                     httpclient5, httpclient5async, okhttp, jettyclient, webclient, webclient-own-thread or grpc
     *                     (see HttpCaller)
     */
    public Shop(String name, String access, String stockServer, String ordersClient) throws Exception {
        this(name, access, stockServer, ordersClient, Optional.empty());
    }

    /**
     * A shop whose coordinator speaks TLS and authenticates applications with {@code security}'s material;
     * the services, applications "orders" and "stock", are configured with its CA and their secrets.
     */
    public Shop(String name, String access, CoordinatorSecurity security) throws Exception {
        this(name, access, security, List.of(), "");
    }

    /**
     * A secured shop whose coordinator is also given {@code coordinatorArgs} (e.g. its Kafka cluster) and
     * whose stock service is also given the agent arguments {@code stockSettings} (e.g. ",zookeeper=...").
     */
    public Shop(String name, String access, CoordinatorSecurity security, List<String> coordinatorArgs, String stockSettings)
            throws Exception {
        this(name, access, "jdk", "jdk", Optional.of(security), coordinatorArgs, stockSettings);
    }

    private Shop(String name, String access, String stockServer, String ordersClient, Optional<CoordinatorSecurity> security)
            throws Exception {
        this(name, access, stockServer, ordersClient, security, List.of(), "");
    }

    private Shop(String name, String access, String stockServer, String ordersClient, Optional<CoordinatorSecurity> security,
                 List<String> extraCoordinatorArgs, String stockSettings) throws Exception {
        Path work = Files.createTempDirectory("entente-" + name);
        ordersUrl = postgres.createDatabase("orders_" + name);
        stockUrl = mariadb.createDatabase("stock_" + name);
        execute(ordersUrl, "create table orders (id varchar(40) primary key, sku varchar(40) not null, quantity int not null)");
        execute(stockUrl, "create table stock (sku varchar(40) primary key, quantity int not null)");
        execute(stockUrl, "insert into stock values ('apple', 1000), ('pear', 1000)");
        List<String> coordinatorArgs = new ArrayList<>(List.of("--cluster-id", CLUSTER));
        security.ifPresent(s -> coordinatorArgs.addAll(s.coordinatorArgs()));
        coordinatorArgs.addAll(extraCoordinatorArgs);
        coordinator = CoordinatorProcess.dev(work, coordinatorArgs.toArray(String[]::new)).start().awaitServing();
        clusterId = coordinator.clusterId();
        String agent = "coordinator=" + coordinator.clientAddress() + ",cluster=" + CLUSTER;
        ServiceProcess stockService = null;
        try {
            stockService = ServiceProcess.startUsing(stockServer, work, "stock-" + name,
                    agent + credentials(security, "stock") + stockSettings, StockService.class, stockUrl, access, stockServer);
            orders = ServiceProcess.startUsing(ordersClient, work, "orders-" + name, agent + credentials(security, "orders"),
                    OrderService.class, ordersUrl, access, stockService.baseUrl(), ordersClient);
        } catch (RuntimeException e) {
            coordinator.close();
            if (stockService != null) {
                stockService.close();
            }
            throw e;
        }
        stock = stockService;
        warmUp();
    }

    /** The agent arguments naming {@code app}, and its CA and secret when the coordinator is secured. */
    private static String credentials(Optional<CoordinatorSecurity> security, String app) {
        return ",app=" + app + security.map(s -> ",tls-ca=" + s.authority() + ",secret-file=" + s.secretFile(app)).orElse("");
    }

    /**
     * One order of nothing, so the first transaction a test times (against a 3 s timeout) does not also
     * pay for loading and compiling a fresh JVM's classes.
     */
    private void warmUp() throws Exception {
        // a cold JVM on a busy machine may itself outlast the 3 s timeout: that is what warming up is for
        var reply = orders.post("/order?id=warm-up&sku=apple&quantity=0");
        for (int attempt = 2; reply.statusCode() != 200 && attempt <= 3; attempt++) {
            reply = orders.post("/order?id=warm-up-" + attempt + "&sku=apple&quantity=0");
        }
        if (reply.statusCode() != 200) {
            close();
            throw new IllegalStateException("the warm-up order failed three times: " + reply.body() + "\n" + orders.log());
        }
    }

    /**
     * Places an order whose stock branch prepares, then kills the stock service (SIGKILL) before phase 2
     * reaches it: the order service sleeps 1.5 s after the stock service answered (within its 3 s timeout)
     * and then commits. Returns the order service's answer.
     */
    public HttpResponse<String> orderWhileTheStockServiceDiesAfterPrepare(String id, String sku, int quantity) throws Exception {
        CompletableFuture<HttpResponse<String>> reply = orders.postAsync("/order?id=" + id + "&sku=" + sku + "&quantity="
                + quantity + "&resume-on=" + id);
        // the stock service's answer (with its vote) reached the order service, which waits for the signal
        await().atMost(Duration.ofSeconds(20)).until(() -> orders.log().contains("order " + id + " waits for signal " + id));
        assertThat(stockHasPrepared()).as("the stock service's branch is prepared when it answers").isTrue();
        stock.kill9();
        orders.post("/resume?signal=" + id);
        return reply.get(30, TimeUnit.SECONDS);
    }

    public int stockOf(String sku) throws SQLException {
        return count(stockUrl, "select quantity from stock where sku = '" + sku + "'");
    }

    public int ordersWithId(String id) throws SQLException {
        return count(ordersUrl, "select count(*) from orders where id = '" + id + "'");
    }

    /** Whether either database holds a prepared branch of this shop's cluster. */
    public boolean anyPrepared() {
        return postgres.preparedTransactions().stream().anyMatch(this::ours) || stockHasPrepared();
    }

    public boolean stockHasPrepared() {
        return mariadb.preparedTransactions().stream().anyMatch(this::ours);
    }

    /** Whether the order service's database (PostgreSQL) holds a prepared branch of this shop's cluster. */
    public boolean ordersHavePrepared() {
        return postgres.preparedTransactions().stream().anyMatch(this::ours);
    }

    public void assertNoPreparedTransactionsLeft() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(postgres.preparedTransactions()).noneMatch(this::ours);
            assertThat(mariadb.preparedTransactions()).noneMatch(this::ours);
        });
    }

    private boolean ours(String xid) {
        return xid.startsWith(clusterId + ":");
    }

    public static void execute(String url, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    public static int count(String url, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getInt(1);
        }
    }

    @Override
    public void close() {
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
}
