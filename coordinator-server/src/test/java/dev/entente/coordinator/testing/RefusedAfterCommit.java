package dev.entente.coordinator.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.entente.protocol.BranchVote;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.OutgoingMessage;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.testkit.KafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Commits messages that Kafka refuses only after the decision, over the real protocol: the coordinator
 * checks a topic's {@code max.message.bytes} when a message for it arrives and remembers it for a
 * minute, so a topic whose limit is lowered right after a first message lets a larger one commit.
 */
public record RefusedAfterCommit(KafkaBroker kafka, CoordinatorClient client) {

    /**
     * The limit a topic is lowered to; {@link #tooLarge} is well above it. It stays above the producer's
     * batch size (16 KiB), so small messages sent together still fit one batch the broker takes.
     */
    public static final int SMALL_LIMIT = 20_000;

    public static OutgoingMessage message(String topic, String value) {
        return OutgoingMessage.newBuilder().setMessageId(UUID.randomUUID().toString()).setTopic(topic)
                .setHasKey(true).setKey(ByteString.copyFromUtf8("k")).setValue(ByteString.copyFromUtf8(value)).build();
    }

    /** A value starting with {@code name}, five times the small limit. */
    public static String tooLarge(String name) {
        return name + "-" + "x".repeat(5 * SMALL_LIMIT);
    }

    /** Commits a transaction of application orders with one prepared branch on {@code resource} and {@code messages}. */
    public String commit(String resource, String instanceId, OutgoingMessage... messages) {
        String xid = TestTransactions.begin(client, "orders", 60_000);
        client.reportBranch(xid, TestBranches.register(client, xid, resource, instanceId), BranchVote.PREPARED, "");
        client.publish(xid, kafka.bootstrapServers(), List.of(messages));
        assertThat(client.commit(xid, false).getOutcome()).isEqualTo(Outcome.COMMITTED);
        return xid;
    }

    /** Publishes "warm-up" to {@code topic} in a transaction with a branch on {@code resource}, then lowers the topic's limit. */
    public void shrinkAfterTheCoordinatorLooked(String topic, String resource, String instanceId) {
        String warmUp = commit(resource, instanceId, message(topic, "warm-up"));
        await().atMost(Duration.ofSeconds(30)).until(() -> client.status(warmUp).getPhaseTwoDone());
        kafka.setTopicConfig(topic, "max.message.bytes", String.valueOf(SMALL_LIMIT));
    }
}
