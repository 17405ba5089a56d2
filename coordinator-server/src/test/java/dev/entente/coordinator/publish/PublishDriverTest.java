package dev.entente.coordinator.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.entente.coordinator.admin.CoordinatorMetrics;
import dev.entente.coordinator.log.DecisionRecord;
import dev.entente.coordinator.log.MessageRefusal;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.OutgoingMessage;
import dev.entente.protocol.config.SecurityProperties;
import dev.entente.testkit.CommittedRecords;
import dev.entente.testkit.CommittedRecords.Message;
import dev.entente.testkit.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The publish driver alone against a real KRaft broker: a message Kafka refuses for good is found among
 * many sent together and set aside while the others go out once each, in decision order; an unknown
 * topic's messages wait for it, then go aside; a dropped message is never sent and its transaction's
 * others are. (End to end, on coordinator processes: StuckPublishTest.)
 */
@Timeout(180)
class PublishDriverTest {

    /** Above the producer's batch size (16 KiB): small messages sent together still fit one batch the broker takes. */
    private static final int SMALL_LIMIT = 20_000;
    private static final AtomicInteger NAMES = new AtomicInteger();

    @TempDir
    static Path work;
    static KafkaBroker kafka;

    private final List<String> published = new CopyOnWriteArrayList<>();
    private final Map<String, List<MessageRefusal>> refused = new ConcurrentHashMap<>();
    private final CoordinatorMetrics metrics = new CoordinatorMetrics();
    private PublishDriver driver;

    @BeforeAll
    static void startKafka() {
        kafka = new KafkaBroker(work.resolve("kafka"));
        kafka.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    private PublishDriver leadingDriver() {
        String clusterId = "driver-test-" + NAMES.incrementAndGet();
        driver = new PublishDriver(new KafkaCluster(kafka.bootstrapServers(), SecurityProperties.none(SecurityProperties.Library.KAFKA)),
                () -> Optional.of(clusterId), metrics, PublishInterceptor.NONE, new PublishDriver.Listener() {
                    @Override
                    public void published(String xid) {
                        published.add(xid);
                    }

                    @Override
                    public void refused(String xid, List<MessageRefusal> refusals) {
                        refused.put(xid, refusals);
                    }
                });
        driver.leadershipGained();
        return driver;
    }

    private static String topic(int limit) {
        String topic = "driver-" + NAMES.incrementAndGet();
        kafka.createTopic(topic, 1);
        if (limit > 0) {
            kafka.setTopicConfig(topic, "max.message.bytes", String.valueOf(limit));
        }
        return topic;
    }

    private static OutgoingMessage message(String topic, String value) {
        return OutgoingMessage.newBuilder().setMessageId(UUID.randomUUID().toString()).setTopic(topic).setHasKey(true)
                .setKey(ByteString.copyFromUtf8("one-key")).setValue(ByteString.copyFromUtf8(value)).build();
    }

    private static DecisionRecord committed(String xid, OutgoingMessage... messages) {
        return DecisionRecord.newBuilder().setXid(xid).setOutcome(Outcome.COMMITTED)
                .setDecidedAtMillis(System.currentTimeMillis()).addAllMessages(List.of(messages)).build();
    }

    private static List<String> values(String topic) {
        return CommittedRecords.read(kafka.bootstrapServers(), topic).stream()
                .sorted((a, b) -> Long.compare(a.offset(), b.offset())).map(Message::value).toList();
    }

    @Test
    void aRecordKafkaRefusesAmongManySentTogetherIsSetAsideAndTheOthersGoOnceInOrder() {
        String small = topic(SMALL_LIMIT);
        PublishDriver driver = leadingDriver();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String value = i == 37 ? "refused-" + "x".repeat(5 * SMALL_LIMIT) : "m" + i;
            driver.decided(committed("tx-" + i, message(small, value)));
            if (i != 37) {
                expected.add(value);
            }
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> published.size() == 59);
        assertThat(values(small)).containsExactlyElementsOf(expected); // once each, in decision order
        assertThat(published).doesNotContain("tx-37");
        assertThat(refused).containsOnlyKeys("tx-37");
        assertThat(refused.get("tx-37")).singleElement().satisfies(refusal -> {
            assertThat(refusal.getTopic()).isEqualTo(small);
            assertThat(refusal.getReason()).startsWith("RecordTooLargeException");
        });
        assertThat(driver.stuckTransactions()).isEqualTo(1);
        assertThat(driver.backlog()).isZero();
        assertThat(metrics.publishRefused.sum()).isEqualTo(1);
    }

    @Test
    void anUnknownTopicIsWaitedForThenItsMessagesGoAside() {
        String fine = topic(0);
        PublishDriver driver = leadingDriver();
        long start = System.nanoTime();
        driver.decided(committed("lost", message("no-such-topic-" + NAMES.incrementAndGet(), "lost")));
        driver.decided(committed("behind", message(fine, "behind")));
        await().atMost(Duration.ofSeconds(120)).until(() -> published.contains("behind"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(KafkaRefusals.UNKNOWN_TOPIC_PATIENCE);
        assertThat(refused.get("lost")).singleElement().satisfies(refusal ->
                assertThat(refusal.getReason()).contains("does not exist on Kafka"));
        assertThat(values(fine)).containsExactly("behind");
    }

    @Test
    void aDroppedMessageIsNeverSentAndItsTransactionsOthersAre() {
        String small = topic(SMALL_LIMIT);
        String other = topic(0);
        PublishDriver driver = leadingDriver();
        OutgoingMessage tooLarge = message(small, "x".repeat(5 * SMALL_LIMIT));
        driver.decided(committed("mixed", tooLarge, message(other, "goes-after-the-drop")));
        await().atMost(Duration.ofSeconds(60)).until(() -> refused.containsKey("mixed"));
        assertThat(values(other)).isEmpty(); // a transaction's messages go together or not at all

        assertThat(driver.holdForDrop("mixed")).isTrue();
        assertThat(driver.retryNow("mixed")).as("not sent while its drop is being written").isFalse();
        kafka.setTopicConfig(small, "max.message.bytes", String.valueOf(100 * SMALL_LIMIT));
        driver.dropped("mixed", List.of(tooLarge.getMessageId()), System.currentTimeMillis());
        await().atMost(Duration.ofSeconds(60)).until(() -> published.contains("mixed"));
        assertThat(values(other)).containsExactly("goes-after-the-drop");
        assertThat(values(small)).isEmpty();
        assertThat(driver.stuckTransactions()).isZero();
    }
}
