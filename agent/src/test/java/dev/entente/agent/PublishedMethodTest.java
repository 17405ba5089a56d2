package dev.entente.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.entente.agent.apps.EventService;
import dev.entente.agent.testing.ServiceProcess;
import dev.entente.agent.testing.Shop;
import dev.entente.testkit.CommittedRecords;
import dev.entente.testkit.CommittedRecords.Message;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.KafkaBroker;
import dev.entente.testkit.TestDatabases;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * {@code @Publish} in a real application JVM with the agent, a real coordinator process, a real KRaft
 * broker (in this JVM, on loopback) and real PostgreSQL: issue 5's tests 1, 3 and 5, and publishing
 * outside global transactions. Tests 2 and 4 (coordinator leader killed, broker outage) are the
 * coordinator's {@code PublishTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class PublishedMethodTest {

    private static final String TOPIC = "orders.placed";
    private static final int BROKER_LIMIT = 20_000;

    private Path work;
    private KafkaBroker kafka;
    private CoordinatorProcess coordinator;
    private String postgresUrl;
    private String agent;
    private ServiceProcess service;

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("entente-publish");
        kafka = new KafkaBroker(work.resolve("kafka"), Map.of("message.max.bytes", String.valueOf(BROKER_LIMIT)));
        kafka.start();
        kafka.createTopic(TOPIC, 3);
        postgresUrl = TestDatabases.postgres().createDatabase("publish");
        Shop.execute(postgresUrl, "create table orders (id varchar(40) primary key)");
        coordinator = CoordinatorProcess.dev(work, "--cluster-id", "publish-it", "--kafka", kafka.bootstrapServers())
                .start().awaitServing();
        agent = "coordinator=" + coordinator.clientAddress() + ",cluster=publish-it,app=events,kafka=" + kafka.bootstrapServers();
        service = eventService("events-1");
    }

    private ServiceProcess eventService(String name) {
        return ServiceProcess.start(work, name, agent, EventService.class, postgresUrl);
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {service, coordinator, kafka}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    private List<Message> eventsOf(String orderId) {
        return CommittedRecords.read(kafka.bootstrapServers(), TOPIC).stream().filter(m -> orderId.equals(m.key())).toList();
    }

    /**
     * A later transaction commits and its message arrives: what the coordinator published before it on the
     * topic (one partition, published in commit order) has arrived too.
     */
    private void aLaterMessageArrived(String orderId) throws Exception {
        HttpResponse<String> response = service.post("/place?id=" + orderId + "&amount=1");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> !eventsOf(orderId).isEmpty());
    }

    private boolean ordered(String orderId) throws Exception {
        return Shop.count(postgresUrl, "select count(*) from orders where id = '" + orderId + "'") == 1;
    }

    @Test
    void aCommittedTransactionPublishesItsResultOnceAsJsonWithHeaders() throws Exception {
        HttpResponse<String> response = service.post("/place?id=o-commit&amount=42");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(30)).until(() -> !eventsOf("o-commit").isEmpty());
        aLaterMessageArrived("o-commit-later"); // a second copy, sent with the first, would be there before it
        List<Message> events = eventsOf("o-commit");
        assertThat(events).hasSize(1);
        assertThat(events.get(0).value()).isEqualTo("{\"orderId\":\"o-commit\",\"amount\":42,\"note\":\"\"}");
        assertThat(events.get(0).header("entente-xid")).startsWith(coordinator.clusterId() + ":");
        assertThat(events.get(0).header("entente-message-id")).isNotBlank();
        assertThat(ordered("o-commit")).isTrue();
    }

    @Test
    void aRolledBackTransactionPublishesNothing() throws Exception {
        HttpResponse<String> response = service.post("/place?id=o-rollback&amount=1&fail=true");
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).contains("failed after its event was published");

        service.post("/place?id=o-after-rollback&amount=1"); // a later commit on the same topic has arrived ...
        await().atMost(Duration.ofSeconds(30)).until(() -> !eventsOf("o-after-rollback").isEmpty());
        assertThat(eventsOf("o-rollback")).isEmpty(); // ... and the rolled-back one never will
        assertThat(ordered("o-rollback")).isFalse();
    }

    /**
     * The transaction's owner sends its messages with its Commit (one round trip for all), where the
     * coordinator checks them: one the topic cannot take makes the commit a rollback naming it.
     */
    @Test
    void aMessageLargerThanTheBrokerAllowsRollsTheTransactionBackNamingTheTopic() throws Exception {
        HttpResponse<String> response = service.post("/place-large?id=o-large&bytes=" + (BROKER_LIMIT + 1000));
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).contains("TransactionRolledBackException").contains("'" + TOPIC + "'")
                .contains("max.message.bytes");

        assertThat(ordered("o-large")).isFalse();
        service.post("/place?id=o-after-large&amount=1");
        await().atMost(Duration.ofSeconds(30)).until(() -> !eventsOf("o-after-large").isEmpty());
        assertThat(eventsOf("o-large")).isEmpty();
    }

    @Test
    void anAppKilledRightAfterItsCommitReturnedStillHasItsMessagePublishedOnce() throws Exception {
        service.post("/place?id=o-before-kill&amount=1"); // the live instance serves the database, to finish the dead one's branch
        try (ServiceProcess doomed = eventService("events-doomed")) {
            doomed.postAsync("/place-and-die?id=o-killed");
            await().atMost(Duration.ofSeconds(30)).until(() -> doomed.log().contains("committed o-killed"));
            doomed.kill9();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> !eventsOf("o-killed").isEmpty());
        aLaterMessageArrived("o-killed-later");
        assertThat(eventsOf("o-killed")).hasSize(1);
        await("the dead instance's branch finished by the live one").atMost(Duration.ofSeconds(30)).until(() -> ordered("o-killed"));
    }

    @Test
    void outsideAGlobalTransactionAMessageIsPublishedAfterANormalReturnOnly() throws Exception {
        assertThat(service.post("/announce?id=a-ok").statusCode()).isEqualTo(200);
        assertThat(service.post("/announce?id=a-failed&fail=true").statusCode()).isEqualTo(500);

        // generous: on a machine at load average 25 this took more than 30 s once (a timing, not the promise)
        await().atMost(Duration.ofSeconds(90)).until(() -> !eventsOf("a-ok").isEmpty());
        List<Message> announced = eventsOf("a-ok");
        assertThat(announced).hasSize(1);
        assertThat(announced.get(0).value()).contains("\"note\":\"outside\"");
        assertThat(announced.get(0).header("entente-xid")).isNull();
        assertThat(announced.get(0).header("entente-message-id")).isNotBlank();
        assertThat(eventsOf("a-failed")).isEmpty();
    }
}
