package dev.entente.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Everything a {@code read_committed} consumer sees on a topic, as consumers of {@code @Publish}
 * messages are told to read: what checks of "published once, and only after a commit" look at.
 */
public final class CommittedRecords {

    /** One record: its key and value as UTF-8 text, its headers, and where it lies. */
    public record Message(String key, String value, Map<String, String> headers, int partition, long offset) {
        public String header(String name) {
            return headers.get(name);
        }
    }

    private CommittedRecords() {
    }

    /** Every committed record of {@code topic}, from the start of each partition to its last stable offset. */
    public static List<Message> read(String bootstrapServers, String topic) {
        return read(bootstrapServers, new Properties(), topic);
    }

    /** The same, through a client with {@code security}'s settings (a SASL_SSL broker's {@code clientProperties}). */
    public static List<Message> read(String bootstrapServers, Properties security, String topic) {
        Properties properties = new Properties();
        properties.putAll(security);
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<Message> messages = new ArrayList<>();
        Duration timeout = Duration.ofSeconds(30);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " up to " + end + " took longer than " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    messages.add(new Message(text(record.key()), text(record.value()), headers(record),
                            record.partition(), record.offset()));
                }
            }
        }
        return messages;
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> record) {
        return java.util.stream.StreamSupport.stream(record.headers().spliterator(), false)
                .collect(Collectors.toMap(Header::key, h -> text(h.value()), (a, b) -> b));
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
