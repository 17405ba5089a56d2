package dev.entente.chaos.planted;

import dev.entente.coordinator.publish.PublishInterceptor;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The planted publishing bug {@code publish-twice}, an extension of the coordinator
 * ({@link PublishInterceptor}) that only {@code bin/entente chaos --planted-bug publish-twice} loads,
 * into its coordinator nodes: every message of a committed transaction is sent twice in its Kafka
 * transaction, as a producer that retries a send without idempotence would, so {@code read_committed}
 * consumers see it twice.
 */
public final class PublishTwice implements PublishInterceptor {

    @Override
    public List<ProducerRecord<byte[], byte[]>> toSend(ProducerRecord<byte[], byte[]> record) {
        ProducerRecord<byte[], byte[]> copy = new ProducerRecord<>(record.topic(), record.partition(), record.timestamp(),
                record.key(), record.value(), new RecordHeaders(record.headers().toArray()));
        return List.of(record, copy);
    }
}
