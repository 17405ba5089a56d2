package dev.entente.coordinator.publish;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The marker topic: every Kafka transaction the coordinator publishes in also writes one marker
 * naming the XIDs whose messages it carries. The marker commits or aborts with the messages, so after
 * a crash, a leader change or a commit whose answer was lost, reading the committed markers tells
 * exactly which transactions' messages are out — and they are not sent twice.
 */
final class PublishedMarkers {

    private static final Duration RETENTION = Duration.ofDays(7);

    private final KafkaCluster cluster;
    private final String clusterId;
    private final TopicPartition partition;

    PublishedMarkers(KafkaCluster cluster, String clusterId) {
        this.cluster = cluster;
        this.clusterId = clusterId;
        this.partition = new TopicPartition("entente.published." + clusterId, 0);
    }

    String topic() {
        return partition.topic();
    }

    /** Creates the marker topic (one partition, the broker's replication) if it is missing. */
    void ensureTopic(Admin admin, Duration timeout) throws Exception {
        NewTopic topic = new NewTopic(topic(), Optional.of(1), Optional.empty())
                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(RETENTION.toMillis())));
        try {
            admin.createTopics(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    ProducerRecord<byte[], byte[]> marker(Collection<String> xids) {
        return new ProducerRecord<>(topic(), 0, clusterId.getBytes(StandardCharsets.UTF_8),
                String.join("\n", xids).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The XIDs named by committed markers written at or after {@code sinceMillis} (the producer's
     * clock). Reads up to the partition's last stable offset, so call it after the transactional
     * producer's {@code initTransactions()} has finished or fenced every earlier transaction.
     */
    Set<String> publishedSince(long sinceMillis, Duration timeout) {
        Properties properties = cluster.clientProperties();
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "entente-coordinator-markers");
        Set<String> xids = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
            OffsetAndTimestamp start = consumer.offsetsForTimes(Map.of(partition, Math.max(0, sinceMillis)), timeout).get(partition);
            if (start == null) {
                return xids;
            }
            consumer.seek(partition, start.offset());
            long deadline = System.nanoTime() + timeout.toNanos();
            while (consumer.position(partition, timeout) < end) {
                if (System.nanoTime() > deadline) {
                    throw new KafkaException("reading the marker topic " + topic() + " up to offset " + end
                            + " took longer than " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    xids.addAll(List.of(new String(record.value(), StandardCharsets.UTF_8).split("\n")));
                }
            }
        }
        return xids;
    }
}
