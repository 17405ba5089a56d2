package dev.entente.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.entente.coordinator.testing.FakeRm;
import dev.entente.coordinator.testing.PublishingNode;
import dev.entente.coordinator.testing.TestBranches;
import dev.entente.coordinator.testing.TestTransactions;
import dev.entente.protocol.BranchReport;
import dev.entente.protocol.BranchVote;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.OutcomeReply;
import dev.entente.protocol.OutgoingMessage;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.protocol.client.CoordinatorException;
import dev.entente.testkit.CommittedRecords;
import dev.entente.testkit.CommittedRecords.Message;
import dev.entente.testkit.CoordinatorCluster;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.KafkaBroker;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Messages of committed transactions, published by real coordinator processes to a real KRaft broker:
 * once each for read_committed consumers after a commit, never after a rollback, across a broker
 * outage and a leader killed between the decision and the end of publishing.
 */
@Timeout(300)
class PublishTest {

    private static final String ORDERS = PublishingNode.ORDERS;
    private static final int BROKER_LIMIT = 50_000;
    private static final AtomicInteger TOPICS = new AtomicInteger();

    @TempDir
    static Path work;
    static KafkaBroker kafka;

    @BeforeAll
    static void startKafka() {
        kafka = new KafkaBroker(work.resolve("kafka"), Map.of("message.max.bytes", String.valueOf(BROKER_LIMIT)));
        kafka.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    private static String newTopic() {
        String topic = "events-" + TOPICS.incrementAndGet();
        kafka.createTopic(topic, 3);
        return topic;
    }

    private static OutgoingMessage message(String topic, String key, String value) {
        return OutgoingMessage.newBuilder().setMessageId(UUID.randomUUID().toString()).setTopic(topic)
                .setHasKey(true).setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value)).build();
    }

    /** A transaction with one prepared branch and {@code messages}; returns its XID, undecided. */
    private static String prepared(CoordinatorClient client, FakeRm rm, List<OutgoingMessage> messages) {
        String xid = TestTransactions.begin(client, "orders", 60_000);
        client.reportBranch(xid, TestBranches.register(client, xid, ORDERS, rm.instanceId()), BranchVote.PREPARED, "");
        client.publish(xid, kafka.bootstrapServers(), messages);
        return xid;
    }

    private static Map<String, List<Message>> byValue(List<Message> messages) {
        return messages.stream().collect(Collectors.groupingBy(Message::value));
    }

    @Test
    void aCommitPublishesEachMessageOnceWithItsHeadersAndARollbackNone() throws Exception {
        try (PublishingNode node = node("single")) {
            String topic = newTopic();
            OutgoingMessage placed = message(topic, "order-1", "placed");
            OutgoingMessage paid = message(topic, "order-1", "paid");
            String committed = prepared(node.client(), node.rm(), List.of(placed, paid));
            node.client().publish(committed, kafka.bootstrapServers(), List.of(placed)); // a retried Publish adds nothing
            String rolledBack = prepared(node.client(), node.rm(), List.of(message(topic, "order-2", "cancelled")));

            assertThat(node.client().commit(committed, true).getOutcome()).isEqualTo(Outcome.COMMITTED);
            assertThat(node.client().rollback(rolledBack, "test", true).getOutcome()).isEqualTo(Outcome.ROLLED_BACK);

            await().atMost(Duration.ofSeconds(30)).until(() -> node.client().status(committed).getPhaseTwoDone());
            List<Message> out = CommittedRecords.read(kafka.bootstrapServers(), topic);
            assertThat(out).extracting(Message::value).containsExactly("placed", "paid"); // one key: one partition, in order
            assertThat(out).allSatisfy(m -> {
                assertThat(m.key()).isEqualTo("order-1");
                assertThat(m.header("entente-xid")).isEqualTo(committed);
            });
            assertThat(out).extracting(m -> m.header("entente-message-id"))
                    .containsExactly(placed.getMessageId(), paid.getMessageId());
            assertThat(node.coordinator().metric("entente_published_messages_total")).isEqualTo(2);
        }
    }

    /**
     * Protocol v2: the owner's messages ride its Commit with its votes (no Publish, no ReportBranch),
     * are published once if it commits, and one the topic cannot take makes the commit a rollback
     * naming it, with nothing of that transaction reaching the topic.
     */
    @Test
    void messagesCarriedByCommitArePublishedIfItCommitsAndARefusedOneRollsItBack() throws Exception {
        try (PublishingNode node = node("carried")) {
            String topic = newTopic();
            OutgoingMessage placed = message(topic, "order-7", "placed");
            String xid = TestTransactions.begin(node.client(), "orders", 60_000);
            List<BranchReport> votes = List.of(BranchReport.newBuilder().setXid(xid).setBranchId(7).setVote(BranchVote.PREPARED)
                    .setResource(ORDERS).setInstanceId(node.rm().instanceId()).build());

            OutcomeReply committed = node.client().commit(xid, true, votes, kafka.bootstrapServers(), List.of(placed));
            assertThat(node.client().commit(xid, false, votes, kafka.bootstrapServers(), List.of(placed)).getOutcome())
                    .as("a retried Commit with its messages").isEqualTo(Outcome.COMMITTED);

            assertThat(committed.getOutcome()).as(committed.getReason()).isEqualTo(Outcome.COMMITTED);
            await().atMost(Duration.ofSeconds(30)).until(() -> node.client().status(xid).getPhaseTwoDone());
            assertThat(CommittedRecords.read(kafka.bootstrapServers(), topic)).extracting(Message::value, m -> m.header("entente-xid"))
                    .containsExactly(tuple("placed", xid));

            String tooBig = TestTransactions.begin(node.client(), "orders", 60_000);
            OutcomeReply refused = node.client().commit(tooBig, true, List.of(), kafka.bootstrapServers(),
                    List.of(message(topic, "order-8", "fine"), message(topic, "order-8", "x".repeat(BROKER_LIMIT + 1))));
            assertThat(refused.getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
            assertThat(refused.getReason()).contains("'" + topic + "'").contains("max.message.bytes");
            // a later commit's message has arrived: the refused transaction's messages, decided before it, never will
            String later = TestTransactions.begin(node.client(), "orders", 60_000);
            assertThat(node.client().commit(later, true, List.of(), kafka.bootstrapServers(), List.of(message(topic, "order-9", "later")))
                    .getOutcome()).isEqualTo(Outcome.COMMITTED);
            await().atMost(Duration.ofSeconds(30)).until(() -> node.client().status(later).getPhaseTwoDone());
            assertThat(CommittedRecords.read(kafka.bootstrapServers(), topic)).extracting(Message::value).containsExactly("placed", "later");
        }
    }

    @Test
    void aMessageTheTopicCannotTakeIsRefusedBeforeTheDecision() throws Exception {
        try (PublishingNode node = node("limits")) {
            String topic = newTopic();
            String xid = TestTransactions.begin(node.client(), "orders", 60_000);
            OutgoingMessage huge = message(topic, "k", "x".repeat(BROKER_LIMIT + 1));
            assertThatThrownBy(() -> node.client().publish(xid, kafka.bootstrapServers(), List.of(huge)))
                    .isInstanceOf(CoordinatorException.class)
                    .hasMessageContaining(topic).hasMessageContaining("max.message.bytes")
                    .extracting(e -> ((CoordinatorException) e).code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThatThrownBy(() -> node.client().publish(xid, kafka.bootstrapServers(), List.of(message("no-such-topic", "k", "v"))))
                    .isInstanceOf(CoordinatorException.class).hasMessageContaining("'no-such-topic' does not exist");
            assertThatThrownBy(() -> node.client().publish(xid, "127.0.0.1:1", List.of(message(topic, "k", "v"))))
                    .isInstanceOf(CoordinatorException.class).hasMessageContaining("not the one this coordinator publishes to");
            // the application, told its message was refused, rolls back: nothing reaches the topic
            assertThat(node.client().rollback(xid, "message refused", true).getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
            assertThat(CommittedRecords.read(kafka.bootstrapServers(), topic)).isEmpty();
        }
    }

    @Test
    void commitsStandWhileTheBrokerIsDownAndTheirMessagesArriveOnceInKeyOrderWhenItIsBack() throws Exception {
        try (PublishingNode node = node("outage")) {
            String topic = newTopic();
            node.client().commit(prepared(node.client(), node.rm(), List.of(message(topic, "warm-up", "0"))), true);
            kafka.stop();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                String key = "account-" + (i % 3);
                String value = key + "#" + i;
                String xid = prepared(node.client(), node.rm(), List.of(message(topic, key, value)));
                assertThat(node.client().commit(xid, false).getOutcome()).isEqualTo(Outcome.COMMITTED);
                expected.add(value);
            }
            assertThat(node.coordinator().metric("entente_publish_backlog")).isPositive();
            Thread.sleep(30_000);
            kafka.start();

            await().atMost(Duration.ofSeconds(90)).until(() -> node.coordinator().metric("entente_publish_backlog") == 0);
            List<Message> out = CommittedRecords.read(kafka.bootstrapServers(), topic);
            assertThat(byValue(out)).allSatisfy((value, copies) -> assertThat(copies).as(value).hasSize(1));
            assertThat(out).extracting(Message::value).containsAll(expected);
            for (int k = 0; k < 3; k++) {
                String key = "account-" + k;
                List<String> inKafka = out.stream().filter(m -> key.equals(m.key())).sorted((a, b) -> Long.compare(a.offset(), b.offset()))
                        .map(Message::value).toList();
                assertThat(inKafka).as("per-key order of " + key).isEqualTo(expected.stream().filter(v -> v.startsWith(key + "#")).toList());
            }
        }
    }

    @Test
    void aLeaderKilledBetweenTheDecisionAndTheEndOfPublishingLeavesEveryMessageVisibleOnce() throws Exception {
        try (CoordinatorCluster cluster = new CoordinatorCluster(work.resolve("cluster"), 3, "--kafka", kafka.bootstrapServers()).start();
             CoordinatorClient client = CoordinatorClient.connect(cluster.addresses());
             FakeRm rm = new FakeRm(client, "orders", "orders-1", Set.of(ORDERS)).connect()) {
            String topic = newTopic();
            client.commit(prepared(client, rm, List.of(message(topic, "warm-up", "0"))), true);

            // decided while Kafka is away: the leader holds them and cannot finish publishing
            kafka.stop();
            List<String> decidedWhileAway = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String value = "away-" + i;
                assertThat(client.commit(prepared(client, rm, List.of(message(topic, "k" + i, value))), false).getOutcome())
                        .isEqualTo(Outcome.COMMITTED);
                decidedWhileAway.add(value);
            }
            CoordinatorProcess first = cluster.awaitLeader();
            first.kill9();
            kafka.start();
            first.start(); // back as a follower, so the second kill leaves a majority

            // and a stream of commits with the new leader killed in the middle of publishing them
            Map<String, Outcome> streamed = new java.util.LinkedHashMap<>();
            for (int i = 0; i < 60; i++) {
                if (i == 30) {
                    cluster.awaitLeader().kill9();
                }
                String value = "stream-" + i;
                streamed.put(value, commitOrAskLater(client, rm, topic, value));
            }

            List<String> committed = new ArrayList<>(decidedWhileAway);
            streamed.forEach((value, outcome) -> {
                if (outcome == Outcome.COMMITTED) {
                    committed.add(value);
                }
            });
            await().atMost(Duration.ofSeconds(90)).until(() -> CommittedRecords.read(kafka.bootstrapServers(), topic).stream()
                    .map(Message::value).collect(Collectors.toSet()).containsAll(committed));
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.awaitLeader().metric("entente_publish_backlog") == 0);
            List<Message> out = CommittedRecords.read(kafka.bootstrapServers(), topic);
            Map<String, List<Message>> copies = byValue(out);
            assertThat(copies).allSatisfy((value, all) -> assertThat(all).as(value + " published once").hasSize(1));
            assertThat(copies.keySet()).containsAll(decidedWhileAway);
            streamed.forEach((value, outcome) -> {
                if (outcome == Outcome.COMMITTED) {
                    assertThat(copies).as(value + " committed").containsKey(value);
                } else {
                    assertThat(copies).as(value + " " + outcome).doesNotContainKey(value);
                }
            });
            assertThat(streamed.values()).filteredOn(o -> o == Outcome.COMMITTED).hasSizeGreaterThan(40);
        }
    }

    /** Commits one transaction; an answer lost to the leader change is asked for again. */
    private static Outcome commitOrAskLater(CoordinatorClient client, FakeRm rm, String topic, String value) {
        String xid;
        try {
            xid = prepared(client, rm, List.of(message(topic, value, value)));
        } catch (CoordinatorException e) {
            return Outcome.UNKNOWN; // never decided: nothing may appear
        }
        try {
            return client.commit(xid, false).getOutcome();
        } catch (CoordinatorException e) {
            Function<String, Outcome> status = x -> client.status(x).getOutcome();
            return await().atMost(Duration.ofSeconds(90)).until(() -> status.apply(xid), o -> o != Outcome.ACTIVE);
        }
    }

    private static PublishingNode node(String name) {
        return PublishingNode.dev(work.resolve(name), kafka.bootstrapServers());
    }
}
