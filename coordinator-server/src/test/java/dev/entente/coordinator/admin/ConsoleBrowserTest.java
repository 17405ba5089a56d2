package dev.entente.coordinator.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entente.coordinator.testing.FakeRm;
import dev.entente.coordinator.testing.RefusedAfterCommit;
import dev.entente.coordinator.testing.StuckTransactions;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.OutgoingMessage;
import dev.entente.protocol.PhaseTwoAction;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.HeadlessChromium;
import dev.entente.testkit.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console in headless Chromium against a real coordinator process publishing to a real KRaft broker:
 * it shows nothing without the read token, lists the transactions an application left behind once given
 * it, finds one by XID, and resolves them with the admin token (the read token may not); a committed
 * message Kafka refused shows with its transaction, which the admin token drops. Screenshots go to
 * {@code target/console-screenshots/}.
 */
@Timeout(240)
class ConsoleBrowserTest {

    private static final Duration PAGE_WAIT = Duration.ofSeconds(30);
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    @TempDir
    static Path work;
    static CoordinatorProcess coordinator;
    static CoordinatorClient client;
    static FakeRm inventory;
    static HeadlessChromium browser;
    static String token;
    static KafkaBroker kafka;

    @BeforeAll
    static void start() throws Exception {
        Path tokenFile = work.resolve("admin-token");
        token = "console-test-token-" + System.nanoTime();
        Files.writeString(tokenFile, token);
        kafka = new KafkaBroker(work.resolve("kafka"));
        kafka.start();
        coordinator = CoordinatorProcess.dev(work, "--admin-token-file", tokenFile.toString(), "--kafka", kafka.bootstrapServers())
                .start().awaitServing();
        client = CoordinatorClient.connect(coordinator.clientAddress());
        inventory = new FakeRm(client, "inventory", "inventory-1", Set.of("inventory-db")).connect();
        browser = HeadlessChromium.start(work);
    }

    @AfterAll
    static void stop() {
        browser.close();
        inventory.close();
        client.close();
        coordinator.close();
        kafka.close();
    }

    private static String row(String table, String xid) {
        return "[...document.querySelectorAll('#" + table + " tbody tr')].some(r => r.innerText.includes('" + xid + "'))";
    }

    @Test
    void listsTransactionsFindsOneByXidAndResolvesThemWithTheAdminToken() throws Exception {
        StuckTransactions stuck = new StuckTransactions(client);
        // an order whose TM prepared its inventory branch and went silent, and a commit whose branch's RM is gone
        String live = stuck.undecided("reserve-stock", "orders", inventory.instanceId(), "inventory-db");
        String inDoubt = stuck.committedInDoubt("charge-card", "orders", "payment-db");

        browser.open("http://" + coordinator.adminAddress() + "/");
        // the page loads, the views do not: they need a token
        browser.waitUntil("document.querySelector('#status').innerText.includes('needs the read token')", PAGE_WAIT);
        assertThat(browser.text("#live")).doesNotContain(live);
        browser.type("#token", Files.readString(coordinator.readTokenFile().orElseThrow()).strip());
        browser.waitUntil(row("live", live) + " && " + row("indoubt", inDoubt), PAGE_WAIT);
        assertThat(browser.text("#node")).contains("node dev").contains("LEADER");
        assertThat(browser.text("#members")).contains("dev").contains("leader");
        assertThat(browser.text("#live")).contains("orders").contains("inventory-db (PREPARED)");
        assertThat(browser.text("#indoubt")).contains("COMMITTED").contains("charge-card")
                .contains("waiting for an RM session serving payment-db");
        browser.screenshot(SCREENSHOTS.resolve("1-transactions.png"));

        // search by XID
        browser.type("#xid", inDoubt);
        browser.click("#search button[type=submit]");
        browser.waitUntil("document.querySelector('#found').innerText.includes('COMMITTED') && !" + row("live", live), PAGE_WAIT);
        assertThat(browser.text("#indoubt")).contains(inDoubt);
        assertThat(browser.text("#found")).contains(inDoubt + ": COMMITTED");

        // resolving needs the admin token: the read token does not do
        browser.click("#indoubt button[data-outcome=rollback]");
        browser.waitUntil("document.querySelector('#result').innerText.includes('the admin token does not match')", PAGE_WAIT);
        assertThat(client.status(inDoubt).getOutcome()).isEqualTo(Outcome.COMMITTED);

        // a decided transaction cannot be turned the other way
        browser.type("#token", token);
        browser.click("#indoubt button[data-outcome=rollback]");
        browser.waitUntil("document.querySelector('#result').innerText.includes('the outcome that stands is COMMITTED')", PAGE_WAIT);
        assertThat(client.status(inDoubt).getOutcome()).isEqualTo(Outcome.COMMITTED);
        browser.screenshot(SCREENSHOTS.resolve("2-rollback-refused.png"));

        // the undecided one is rolled back from the console, and phase 2 reaches its RM
        browser.click("#clear");
        browser.waitUntil(row("live", live), PAGE_WAIT);
        browser.click("#live button[data-xid='" + live + "'][data-outcome=rollback]");
        browser.waitUntil("document.querySelector('#result').innerText.includes('ROLLED_BACK')", PAGE_WAIT);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !inventory.receivedFor(live).isEmpty());
        assertThat(inventory.receivedFor(live)).extracting(FakeRm.Received::action).containsOnly(PhaseTwoAction.ROLLBACK);
        browser.waitUntil("!" + row("live", live), PAGE_WAIT);

        // the in-doubt commit is driven again, and finishes once an RM for its resource is back
        browser.click("#indoubt button[data-xid='" + inDoubt + "'][data-outcome=commit]");
        browser.waitUntil("document.querySelector('#result').innerText.includes('phase 2 sent again')", PAGE_WAIT);
        try (FakeRm payment = new FakeRm(client, "payment", "payment-1", Set.of("payment-db")).connect()) {
            browser.waitUntil("!" + row("indoubt", inDoubt), PAGE_WAIT);
            assertThat(payment.receivedFor(inDoubt)).extracting(FakeRm.Received::action).contains(PhaseTwoAction.COMMIT);
        }
        browser.screenshot(SCREENSHOTS.resolve("3-resolved.png"));
        assertThat(client.status(live).getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
    }

    @Test
    void showsAMessageKafkaRefusedAndDropsItWithTheAdminToken() throws Exception {
        kafka.createTopic("console-orders", 1);
        RefusedAfterCommit kafkaRefuses = new RefusedAfterCommit(kafka, client);
        kafkaRefuses.shrinkAfterTheCoordinatorLooked("console-orders", "inventory-db", inventory.instanceId());
        OutgoingMessage tooLarge = RefusedAfterCommit.message("console-orders", RefusedAfterCommit.tooLarge("placed"));
        String stuck = kafkaRefuses.commit("inventory-db", inventory.instanceId(), tooLarge);

        browser.open("http://" + coordinator.adminAddress() + "/");
        browser.type("#token", token);
        browser.waitUntil(row("indoubt", stuck) + " && document.querySelector('#indoubt').innerText.includes('stuck: Kafka refused')",
                PAGE_WAIT);
        assertThat(browser.text("#indoubt")).contains("refused: message " + tooLarge.getMessageId() + " for topic 'console-orders'")
                .contains("RecordTooLargeException");
        browser.screenshot(SCREENSHOTS.resolve("4-refused-message.png"));

        browser.click("#indoubt button[data-xid='" + stuck + "'][data-outcome=drop-refused]");
        browser.waitUntil("document.querySelector('#result').innerText.includes('dropped 1 messages Kafka refused')", PAGE_WAIT);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> client.status(stuck).getPhaseTwoDone());
        browser.waitUntil("!" + row("indoubt", stuck), PAGE_WAIT);
        assertThat(coordinator.metric("entente_publish_dropped_total")).isEqualTo(1);
    }
}
