package dev.entente.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.entente.agent.testing.Shop;
import dev.entente.testkit.CommittedRecords;
import dev.entente.testkit.CoordinatorSecurity;
import dev.entente.testkit.KafkaBroker;
import dev.entente.testkit.TcpProxy;
import dev.entente.testkit.TestDatabases;
import dev.entente.testkit.ZooKeeperServers;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 16 item 3: with TLS and application secrets on, a participant that fails stops the owner's
 * commit. The stock service joins the order service's transaction over HTTP, its own update goes
 * well (its branch prepares), and then it fails in one of the three ways that make a joined
 * transaction rollback-only: its request handler throws, the coordinator refuses its {@code @Publish}
 * message, or it loses its {@code @Locked} lock. The order service commits regardless (it ignores the
 * stock service's error status), and must get a rollback: no order, no stock change, no message.
 * Before the fix the participant sent Rollback, which only the owner may send, and the commit went
 * through.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class SecuredParticipantFailureTest {

    private static final String TOPIC = "stock.reserved";
    private static final int BROKER_LIMIT = 20_000;

    private TestingServer zookeeper;
    private TcpProxy zookeeperRoute; // the stock service's way to ZooKeeper, cut to take its lock away
    private KafkaBroker kafka;
    private Shop shop;

    @BeforeAll
    void start() throws Exception {
        Path work = Files.createTempDirectory("entente-participant-failure");
        // the shared test databases first: on a loaded machine a broker starting beside them delays them past their start timeout
        TestDatabases.postgres();
        TestDatabases.mariadb();
        zookeeper = ZooKeeperServers.loopback(work.resolve("zk").toFile(), 500);
        zookeeperRoute = new TcpProxy("127.0.0.1", zookeeper.getPort());
        kafka = new KafkaBroker(work.resolve("kafka"), Map.of("message.max.bytes", String.valueOf(BROKER_LIMIT)));
        kafka.start();
        kafka.createTopic(TOPIC, 1);
        CoordinatorSecurity security = CoordinatorSecurity.create(work.resolve("tls")).app("orders").app("stock", "orders");
        shop = new Shop("participant_failure", "hikari", security, List.of("--kafka", kafka.bootstrapServers()),
                ",zookeeper=" + zookeeperRoute.address() + ",zookeeper-session-timeout=2000,kafka=" + kafka.bootstrapServers());
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {shop, kafka, zookeeperRoute, zookeeper}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Test
    void aParticipantWhoseRequestHandlerFailedStopsTheOwnersCommit() throws Exception {
        int pearsBefore = shop.stockOf("pear");

        HttpResponse<String> reply = shop.orders.post(order("handler-failed", "pear", 2, "/reserve-then-fail?sku=pear&quantity=2"));

        assertRolledBack(reply, "handler-failed", "pear", pearsBefore, "StockService.reserveThenFail threw",
                "the stock service failed after it reserved 2 pear");
    }

    @Test
    void aParticipantWhoseMessageTheCoordinatorRefusedStopsTheOwnersCommit() throws Exception {
        int pearsBefore = shop.stockOf("pear");

        // the first announcement is taken, the second is larger than the topic allows
        HttpResponse<String> reply = shop.orders.post(order("publish-refused", "pear", 3,
                "/reserve-and-announce?sku=pear&quantity=3&notes=0," + (BROKER_LIMIT + 1000)));

        assertRolledBack(reply, "publish-refused", "pear", pearsBefore, "'" + TOPIC + "'", "was refused", "max.message.bytes");
        String refused = xidIn(reply.body());
        HttpResponse<String> announced = shop.orders.post(order("announced", "pear", 1, "/reserve-and-announce?sku=pear&quantity=1&notes=0"));
        assertThat(announced.statusCode()).as(announced.body()).isEqualTo(200);
        String committed = xidIn(announced.body());
        await().atMost(Duration.ofSeconds(30)).until(() -> !announcementsOf(committed).isEmpty());
        assertThat(announcementsOf(refused)).as("the rolled-back transaction's announcement").isEmpty();
    }

    @Test
    void aParticipantThatLostItsLockStopsTheOwnersCommit() throws Exception {
        int applesBefore = shop.stockOf("apple");
        CompletableFuture<HttpResponse<String>> reply = shop.orders.postAsync(order("lock-lost", "apple", 4,
                "/reserve-locked?sku=apple&quantity=4") + "&resume-on=lock-lost");
        String waiting = "order lock-lost waits for signal lock-lost";
        await().atMost(Duration.ofSeconds(30)).until(() -> shop.orders.log().contains(waiting));
        String answer = shop.orders.log().substring(shop.orders.log().indexOf(waiting));
        assertThat(answer).contains("holding the lock on stock:apple");
        String xid = xidIn(answer);

        zookeeperRoute.cut(); // the stock service's ZooKeeper connection is lost while its transaction holds the lock
        try {
            await("the stock service's veto of " + xid).atMost(Duration.ofSeconds(30)).until(() -> shop.stock.log()
                    .contains("told the coordinator that " + xid + " must roll back: the @Locked lock on key 'stock:apple' was lost"));
        } finally {
            zookeeperRoute.restore();
        }
        shop.orders.post("/resume?signal=lock-lost");

        assertRolledBack(reply.get(60, TimeUnit.SECONDS), "lock-lost", "apple", applesBefore,
                "the @Locked lock on key 'stock:apple' was lost");
    }

    /**
     * An order whose owner commits whatever the stock service (sent {@code stockRequest}) answers, with
     * 60 s before it times out: the first {@code @Publish} of a cold service outlasts 3 s on a loaded machine.
     */
    private static String order(String id, String sku, int quantity, String stockRequest) {
        return "/order?id=" + id + "&sku=" + sku + "&quantity=" + quantity + "&stock-errors=ignore&timeout=long&stock="
                + URLEncoder.encode(stockRequest, StandardCharsets.UTF_8);
    }

    private void assertRolledBack(HttpResponse<String> reply, String order, String sku, int stockBefore, String... reasons) {
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(500);
        assertThat(reply.body()).contains("TransactionRolledBackException").contains("application 'stock' failed")
                .contains(reasons);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(shop.ordersWithId(order)).isZero();
            assertThat(shop.stockOf(sku)).isEqualTo(stockBefore);
        });
        shop.assertNoPreparedTransactionsLeft();
    }

    private String xidIn(String text) {
        Matcher xid = Pattern.compile(Pattern.quote(shop.clusterId) + "(:[0-9a-z]+){4}").matcher(text);
        assertThat(xid.find()).as("an XID of this shop in: " + text).isTrue();
        return xid.group();
    }

    private List<CommittedRecords.Message> announcementsOf(String xid) {
        return CommittedRecords.read(kafka.bootstrapServers(), TOPIC).stream()
                .filter(message -> xid.equals(message.header("entente-xid"))).toList();
    }
}
