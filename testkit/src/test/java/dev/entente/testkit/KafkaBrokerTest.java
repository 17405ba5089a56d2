package dev.entente.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerTest {

    private static final String TOPIC = "orders";
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(20);
    private static final String MESSAGE_MAX_BYTES = "2097152";

    @TempDir
    Path dataDir;

    private KafkaBroker broker;

    @BeforeEach
    void startBroker() {
        broker = new KafkaBroker(dataDir, Map.of("message.max.bytes", MESSAGE_MAX_BYTES));
        broker.start();
        broker.createTopic(TOPIC, 1);
    }

    @AfterEach
    void stopBroker() {
        broker.close();
    }

    @Test
    void readCommittedConsumerSeesCommittedTransactionsOnly() {
        try (KafkaProducer<String, String> producer = transactionalProducer("payments")) {
            producer.initTransactions();
            sendInTransaction(producer, "committed");
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TOPIC, "aborted"));
            producer.flush();
            producer.abortTransaction();
        }

        assertThat(readCommittedToEnd()).containsExactly("committed");
    }

    @Test
    void restartKeepsCommittedRecordsAndTransactionalIds() {
        try (KafkaProducer<String, String> producer = transactionalProducer("payments")) {
            producer.initTransactions();
            sendInTransaction(producer, "before restart");
        }

        broker.stop();
        broker.start();

        assertThat(readCommittedToEnd()).containsExactly("before restart");
        try (KafkaProducer<String, String> producer = transactionalProducer("payments")) {
            producer.initTransactions();
            sendInTransaction(producer, "after restart");
        }
        assertThat(readCommittedToEnd()).containsExactly("before restart", "after restart");
    }

    @Test
    void extraPropertiesReachTheBroker() throws Exception {
        ConfigResource node = new ConfigResource(ConfigResource.Type.BROKER, "1");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            Config config = admin.describeConfigs(Set.of(node)).all().get(20, TimeUnit.SECONDS).get(node);
            assertThat(config.get("message.max.bytes").value()).isEqualTo(MESSAGE_MAX_BYTES);
            assertThat(config.get("auto.create.topics.enable").value()).isEqualTo("false");
        }
    }

    @Test
    void settingsTheBrokerReliesOnCannotBePassedIn() {
        assertThatThrownBy(() -> new KafkaBroker(dataDir, Map.of("listeners", "PLAINTEXT://0.0.0.0:9092")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("listeners");
    }

    private KafkaProducer<String, String> transactionalProducer(String transactionalId) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) READ_TIMEOUT.toMillis()),
                new StringSerializer(), new StringSerializer());
    }

    private static void sendInTransaction(KafkaProducer<String, String> producer, String value) {
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(TOPIC, value));
        producer.commitTransaction();
    }

    /** Through a consumer group (so the offsets topic is exercised) up to the last stable offset. */
    private List<String> readCommittedToEnd() {
        TopicPartition partition = new TopicPartition(TOPIC, 0);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(Set.of(TOPIC));
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (!consumer.assignment().contains(partition)
                    || consumer.position(partition) < consumer.endOffsets(Set.of(partition)).get(partition)) {
                assertThat(System.nanoTime() - deadline).as("reading %s to its end", TOPIC).isNegative();
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
