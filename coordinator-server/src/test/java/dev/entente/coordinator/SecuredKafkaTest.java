package dev.entente.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.entente.coordinator.testing.PublishingNode;
import dev.entente.coordinator.testing.TestTransactions;
import dev.entente.options.InvalidOption;
import dev.entente.protocol.BranchReport;
import dev.entente.protocol.BranchVote;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.OutcomeReply;
import dev.entente.protocol.OutgoingMessage;
import dev.entente.testkit.CommittedRecords;
import dev.entente.testkit.CommittedRecords.Message;
import dev.entente.testkit.CoordinatorSecurity;
import dev.entente.testkit.KafkaBroker;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's Kafka clients (the admin client that checks topics, the producer, the consumer of the
 * marker topic) and {@code --kafka-client-properties}, against a real KRaft broker whose only client listener
 * is SASL_SSL (SCRAM-SHA-256 over TLS): a coordinator with the user's credentials publishes a committed
 * transaction's message; one with a wrong password is refused by the broker (the commit stands, its message
 * waits in the backlog and reaches nobody).
 */
@Timeout(300)
class SecuredKafkaTest {

    private static final String PASSWORD = "coordinator-password-5678";

    @TempDir
    static Path work;
    static KafkaBroker kafka;

    @BeforeAll
    static void startKafka() {
        CoordinatorSecurity tls = CoordinatorSecurity.create(work.resolve("tls")).issue("kafka", "kafka");
        kafka = KafkaBroker.saslSsl(work.resolve("kafka"), tls.certificate("kafka"), tls.key("kafka"), tls.authority(),
                Map.of("entente", PASSWORD));
        kafka.start();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aCoordinatorWithTheCredentialsPublishesAndOneWithoutThemIsRefused() throws Exception {
        kafka.createTopic("orders", 1);
        Path right = file("right", kafka.clientProperties("entente"));
        try (PublishingNode node = PublishingNode.dev(work.resolve("with-credentials"), kafka.bootstrapServers(),
                "--kafka-client-properties", right.toString())) {
            String xid = commit(node, "placed");
            await().atMost(Duration.ofSeconds(60)).until(() -> node.client().status(xid).getPhaseTwoDone());
            await().atMost(Duration.ofSeconds(60)).until(() -> node.coordinator().metric("entente_publish_backlog") == 0);
            assertThat(node.coordinator().logTail(200)).doesNotContain(PASSWORD);
        }

        Properties guessed = kafka.clientProperties("entente");
        guessed.put("sasl.jaas.config", guessed.getProperty("sasl.jaas.config").replace(PASSWORD, "guessed-password"));
        try (PublishingNode node = PublishingNode.dev(work.resolve("wrong-password"), kafka.bootstrapServers(),
                "--kafka-client-properties", file("guessed", guessed).toString())) {
            commit(node, "forged");
            await().atMost(Duration.ofSeconds(60)).until(() -> node.coordinator().logTail(400).contains("Authentication failed"));
            assertThat(node.coordinator().metric("entente_publish_backlog")).isEqualTo(1);
        }

        assertThat(CommittedRecords.read(kafka.bootstrapServers(), kafka.clientProperties("entente"), "orders"))
                .extracting(Message::value).containsExactly("placed");
    }

    @Test
    void theOptionNeedsKafkaAndAFileOfSecuritySettings() throws IOException {
        Path right = file("options", kafka.clientProperties("entente"));
        assertThatThrownBy(() -> NodeOptions.parse("--dev", "--kafka-client-properties", right.toString()))
                .isInstanceOf(InvalidOption.class).hasMessage("--kafka-client-properties: needs --kafka (the cluster it is for)");
        Path missing = work.resolve("missing.properties");
        assertThatThrownBy(() -> NodeOptions.parse("--dev", "--kafka", "127.0.0.1:9092", "--kafka-client-properties", missing.toString()))
                .isInstanceOf(InvalidOption.class)
                .hasMessage("--kafka-client-properties: " + missing + " cannot be read (NoSuchFileException)");
        Properties redirecting = kafka.clientProperties("entente");
        redirecting.put("transactional.id", "someone-else");
        Path file = file("redirecting", redirecting);
        assertThatThrownBy(() -> NodeOptions.parse("--dev", "--kafka", "127.0.0.1:9092", "--kafka-client-properties", file.toString()))
                .isInstanceOf(InvalidOption.class)
                .hasMessageStartingWith("--kafka-client-properties: " + file + ": 'transactional.id' is not a security setting");
        assertThat(NodeOptions.parse("--dev", "--kafka", "127.0.0.1:9092", "--kafka-client-properties", right.toString())
                .kafka().orElseThrow().toString()).contains(right.toString()).contains("sasl.jaas.config").doesNotContain(PASSWORD);
    }

    /** Commits a transaction of one prepared branch whose Commit carries one message to topic orders; returns its XID. */
    private static String commit(PublishingNode node, String value) {
        String xid = TestTransactions.begin(node.client(), "orders", 60_000);
        List<BranchReport> votes = List.of(BranchReport.newBuilder().setXid(xid).setBranchId(1).setVote(BranchVote.PREPARED)
                .setResource(PublishingNode.ORDERS).setInstanceId(node.rm().instanceId()).build());
        OutgoingMessage message = OutgoingMessage.newBuilder().setMessageId(UUID.randomUUID().toString()).setTopic("orders")
                .setValue(ByteString.copyFromUtf8(value)).build();
        OutcomeReply reply = node.client().commit(xid, false, votes, kafka.bootstrapServers(), List.of(message));
        assertThat(reply.getOutcome()).as(reply.getReason()).isEqualTo(Outcome.COMMITTED);
        return xid;
    }

    private static Path file(String name, Properties properties) throws IOException {
        Path file = work.resolve(name + ".properties");
        try (Writer writer = Files.newBufferedWriter(file)) {
            properties.store(writer, "Kafka client properties");
        }
        return file;
    }
}
