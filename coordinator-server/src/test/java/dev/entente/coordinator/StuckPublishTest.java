package dev.entente.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import static dev.entente.coordinator.testing.RefusedAfterCommit.message;
import static dev.entente.coordinator.testing.RefusedAfterCommit.tooLarge;

import dev.entente.coordinator.cli.TxRunner;
import dev.entente.coordinator.cli.TxRunner.Run;
import dev.entente.coordinator.testing.FakeRm;
import dev.entente.coordinator.testing.PublishingNode;
import dev.entente.coordinator.testing.RefusedAfterCommit;
import dev.entente.protocol.OutgoingMessage;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.testkit.CommittedRecords;
import dev.entente.testkit.CommittedRecords.Message;
import dev.entente.testkit.CoordinatorCluster;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.KafkaBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A message Kafka refuses after the commit decision (here: larger than its topic's max.message.bytes,
 * lowered after the coordinator checked the topic) against a real KRaft broker and real coordinator
 * processes: its transaction is set aside, later transactions' messages are published once each, the
 * stuck one shows in {@code tx show} and the metrics, {@code tx resolve --drop-refused} needs the admin
 * token, and the refusal and the drop, in the Raft log, outlive a leader killed with SIGKILL.
 */
@Timeout(400)
class StuckPublishTest {

    private static final String ORDERS = PublishingNode.ORDERS;
    private static final int SMALL_LIMIT = RefusedAfterCommit.SMALL_LIMIT;
    private static final String TOKEN = "stuck-publish-admin-token-0123456789";
    private static final AtomicInteger TOPICS = new AtomicInteger();

    @TempDir
    static Path work;
    static KafkaBroker kafka;
    static Path tokenFile;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = new KafkaBroker(work.resolve("kafka"));
        kafka.start();
        tokenFile = work.resolve("admin-token");
        Files.writeString(tokenFile, TOKEN);
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    private static String newTopic() {
        String topic = "stuck-" + TOPICS.incrementAndGet();
        kafka.createTopic(topic, 1);
        return topic;
    }

    private static Map<String, Long> copies(String topic) {
        return CommittedRecords.read(kafka.bootstrapServers(), topic).stream()
                .collect(Collectors.groupingBy(Message::value, Collectors.counting()));
    }

    private static Map<String, String> env(CoordinatorProcess node, Path adminToken) {
        return Map.of("ENTENTE_ADMIN", node.adminAddress(),
                "ENTENTE_ADMIN_READ_TOKEN_FILE", node.readTokenFile().orElseThrow().toString(),
                "ENTENTE_ADMIN_TOKEN_FILE", adminToken.toString());
    }

    @Test
    void aRefusedMessageIsSetAsideLaterOnesArePublishedOnceAndTheAdminTokenDropsIt() throws Exception {
        try (PublishingNode node = PublishingNode.dev(work.resolve("single"), kafka.bootstrapServers(),
                "--admin-token-file", tokenFile.toString())) {
            String small = newTopic();
            String other = newTopic();
            RefusedAfterCommit kafkaRefuses = new RefusedAfterCommit(kafka, node.client());
            String rm = node.rm().instanceId();
            kafkaRefuses.shrinkAfterTheCoordinatorLooked(small, ORDERS, rm);

            // a transaction with one message Kafka refuses and one it would take, then a stream behind it
            OutgoingMessage refused = message(small, tooLarge("refused"));
            String stuck = kafkaRefuses.commit(ORDERS, rm, refused, message(other, "stuck-but-fine"));
            List<String> later = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                later.add("later-" + i);
                kafkaRefuses.commit(ORDERS, rm, message(i % 2 == 0 ? small : other, "later-" + i));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                Map<String, Long> out = new java.util.HashMap<>(copies(small));
                out.putAll(copies(other));
                return out.keySet().containsAll(later);
            });
            assertThat(copies(small)).doesNotContainKey(refused.getValue().toStringUtf8())
                    .allSatisfy((value, count) -> assertThat(count).as(value).isEqualTo(1));
            assertThat(copies(other)).doesNotContainKey("stuck-but-fine")
                    .allSatisfy((value, count) -> assertThat(count).as(value).isEqualTo(1));

            Map<String, String> env = env(node.coordinator(), tokenFile);
            Run show = TxRunner.run(env, "show", stuck);
            assertThat(show.status()).as(show.err()).isZero();
            assertThat(show.out()).contains("state:      COMMITTED, in doubt").contains("publishing: stuck: Kafka refused 1 of its 2 messages")
                    .contains("refused:    message " + refused.getMessageId() + " for topic '" + small + "'")
                    .contains("RecordTooLargeException");
            assertThat(node.coordinator().metric("entente_publish_refused_total")).isEqualTo(1);
            assertThat(node.coordinator().metric("entente_publish_stuck_transactions")).isEqualTo(1);
            assertThat(node.coordinator().metric("entente_publish_backlog")).isZero();
            assertThat(node.client().status(stuck).getPhaseTwoDone()).isFalse();

            // without the admin token: refused, over HTTP and from the command line with the read token
            HttpResponse<String> bare = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://" + node.coordinator().adminAddress() + "/transactions/" + stuck + "/resolve"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"outcome\": \"commit\", \"dropRefused\": true}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(bare.statusCode()).isEqualTo(401);
            Run withReadToken = TxRunner.run(env(node.coordinator(), node.coordinator().readTokenFile().orElseThrow()),
                    "resolve", stuck, "--drop-refused");
            assertThat(withReadToken.status()).isEqualTo(1);
            assertThat(withReadToken.err()).contains("the admin token does not match");
            assertThat(TxRunner.run(env, "show", stuck).out()).contains("publishing: stuck");

            // with it: the refused message is dropped, the other one published, the transaction finishes
            Run drop = TxRunner.run(env, "resolve", stuck, "--drop-refused");
            assertThat(drop.status()).as(drop.err()).isZero();
            assertThat(drop.out()).contains("COMMITTED").contains("dropped 1 messages Kafka refused");
            await().atMost(Duration.ofSeconds(30)).until(() -> node.client().status(stuck).getPhaseTwoDone());
            assertThat(copies(other)).containsEntry("stuck-but-fine", 1L);
            assertThat(copies(small)).doesNotContainKey(refused.getValue().toStringUtf8());
            assertThat(node.coordinator().metric("entente_publish_dropped_total")).isEqualTo(1);
            assertThat(node.coordinator().metric("entente_publish_stuck_transactions")).isZero();
            Run again = TxRunner.run(env, "resolve", stuck, "--drop-refused");
            assertThat(again.status()).isEqualTo(1);
        }
    }

    @Test
    void refusalsAndDropsAreInTheLogAndOutliveALeaderKilledWithSigkill() throws Exception {
        try (CoordinatorCluster cluster = new CoordinatorCluster(work.resolve("cluster"), 3, "--kafka", kafka.bootstrapServers(),
                "--admin-token-file", tokenFile.toString()).start();
             CoordinatorClient client = CoordinatorClient.connect(cluster.addresses());
             FakeRm rm = new FakeRm(client, "orders", "orders-1", Set.of(ORDERS)).connect()) {
            String toDrop = newTopic();
            String toKeep = newTopic();
            String stream = newTopic();
            RefusedAfterCommit kafkaRefuses = new RefusedAfterCommit(kafka, client);
            // each topic shrunk right before its commit: the coordinator's cached limit (a minute) must still be the old one
            // dropped: its only message refused, and a branch no RM serves keeps it unfinished across the fail-over
            kafkaRefuses.shrinkAfterTheCoordinatorLooked(toDrop, ORDERS, rm.instanceId());
            OutgoingMessage droppedMessage = message(toDrop, tooLarge("dropped"));
            String dropped = kafkaRefuses.commit("payment-db", "instance-gone", droppedMessage);
            kafkaRefuses.shrinkAfterTheCoordinatorLooked(toKeep, ORDERS, rm.instanceId());
            OutgoingMessage stuckMessage = message(toKeep, tooLarge("stuck"));
            String stuck = kafkaRefuses.commit(ORDERS, rm.instanceId(), stuckMessage);
            CoordinatorProcess leader = cluster.awaitLeader();
            await().atMost(Duration.ofSeconds(60)).until(() -> leader.metric("entente_publish_stuck_transactions") == 2);
            // the refusals are replicated: a follower shows them
            CoordinatorProcess follower = cluster.followers(leader).get(0);
            await().atMost(Duration.ofSeconds(30)).until(() -> follower.admin("/transactions/" + stuck).contains("\"publishStuck\" : true")
                    && follower.admin("/transactions/" + dropped).contains("\"publishStuck\" : true"));

            Run drop = TxRunner.run(env(leader, tokenFile), "resolve", dropped, "--drop-refused");
            assertThat(drop.status()).as(drop.err()).isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> follower.admin("/transactions/" + dropped).contains("\"publishStuck\" : false"));
            // Kafka would take both messages now: only an operator's retry may send the stuck one, and nobody the dropped one
            kafka.setTopicConfig(toDrop, "max.message.bytes", String.valueOf(100 * SMALL_LIMIT));
            kafka.setTopicConfig(toKeep, "max.message.bytes", String.valueOf(100 * SMALL_LIMIT));

            leader.kill9();
            CoordinatorProcess next = cluster.awaitLeader();
            assertThat(next).isNotSameAs(leader);
            List<String> later = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                later.add("after-failover-" + i);
                kafkaRefuses.commit(ORDERS, rm.instanceId(), message(stream, "after-failover-" + i));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> copies(stream).keySet().containsAll(later));
            assertThat(copies(stream)).allSatisfy((value, count) -> assertThat(count).as(value).isEqualTo(1));
            await().atMost(Duration.ofSeconds(30)).until(() -> next.metric("entente_publish_stuck_transactions") == 1);
            Thread.sleep(3000);
            assertThat(copies(toDrop)).containsOnlyKeys("warm-up");
            assertThat(copies(toKeep)).containsOnlyKeys("warm-up");

            Map<String, String> env = env(next, tokenFile);
            assertThat(TxRunner.run(env, "show", stuck).out()).contains("publishing: stuck").contains("RecordTooLargeException");
            assertThat(TxRunner.run(env, "show", dropped).out()).doesNotContain("publishing: stuck")
                    .contains("dropped:    message " + droppedMessage.getMessageId());

            // the cause fixed, the operator sends the stuck one again: once
            Run retry = TxRunner.run(env, "resolve", stuck, "--commit");
            assertThat(retry.status()).as(retry.err()).isZero();
            assertThat(retry.out()).contains("its messages, which Kafka refused, are sent again now");
            await().atMost(Duration.ofSeconds(30)).until(() -> client.status(stuck).getPhaseTwoDone());
            assertThat(copies(toKeep)).containsEntry(stuckMessage.getValue().toStringUtf8(), 1L).hasSize(2);
            assertThat(copies(toDrop)).containsOnlyKeys("warm-up");
            assertThat(next.metric("entente_publish_stuck_transactions")).isZero();
        }
    }
}
