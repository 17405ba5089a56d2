package dev.entente.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.entente.coordinator.testing.PublishingNode;
import dev.entente.coordinator.testing.TestTransactions;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.OutcomeReply;
import dev.entente.protocol.OutgoingMessage;
import dev.entente.testkit.CommittedRecords;
import dev.entente.testkit.CommittedRecords.Message;
import dev.entente.testkit.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code @Publish} to a topic that does not exist yet follows the broker: one that creates topics on first
 * use (Kafka's default) gets the message, in a topic it creates; the size check then uses the broker's
 * {@code message.max.bytes}. (A broker that does not create them refuses such a message before the
 * decision: {@code PublishTest.aMessageTheTopicCannotTakeIsRefusedBeforeTheDecision}.)
 */
@Timeout(300)
class TopicAutoCreationTest {

    private static final int BROKER_LIMIT = 50_000;

    @TempDir
    static Path work;
    static KafkaBroker kafka;

    @BeforeAll
    static void startKafka() {
        kafka = new KafkaBroker(work.resolve("kafka"), Map.of("auto.create.topics.enable", "true",
                "message.max.bytes", String.valueOf(BROKER_LIMIT)));
        kafka.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    private static OutgoingMessage message(String topic, String value) {
        return OutgoingMessage.newBuilder().setMessageId(UUID.randomUUID().toString()).setTopic(topic)
                .setHasKey(true).setKey(ByteString.copyFromUtf8("order-1")).setValue(ByteString.copyFromUtf8(value)).build();
    }

    @Test
    void aCommitPublishesToATopicTheBrokerCreatesOnFirstUse() throws Exception {
        try (PublishingNode node = PublishingNode.dev(work.resolve("node"), kafka.bootstrapServers())) {
            String topic = "created-on-first-use";
            String xid = TestTransactions.begin(node.client(), "orders", 60_000);
            OutcomeReply committed = node.client().commit(xid, false, List.of(), kafka.bootstrapServers(),
                    List.of(message(topic, "placed")));
            assertThat(committed.getOutcome()).as(committed.getReason()).isEqualTo(Outcome.COMMITTED);

            await().atMost(Duration.ofSeconds(60)).until(() -> node.client().status(xid).getPhaseTwoDone());
            assertThat(CommittedRecords.read(kafka.bootstrapServers(), topic)).extracting(Message::value).containsExactly("placed");

            String tooBig = TestTransactions.begin(node.client(), "orders", 60_000);
            OutcomeReply refused = node.client().commit(tooBig, false, List.of(), kafka.bootstrapServers(),
                    List.of(message("another-new-topic", "x".repeat(BROKER_LIMIT + 1))));
            assertThat(refused.getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
            assertThat(refused.getReason()).contains("'another-new-topic'").contains("max.message.bytes");
        }
    }
}
