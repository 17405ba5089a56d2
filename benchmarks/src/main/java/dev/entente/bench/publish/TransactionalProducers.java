package dev.entente.bench.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The baseline: a plain transactional {@code KafkaProducer} per client thread (a producer runs one
 * Kafka transaction at a time), each message in a Kafka transaction of its own, as an application
 * that publishes one event per business transaction would.
 */
final class TransactionalProducers implements AutoCloseable {

    private final String bootstrapServers;
    private final ObjectMapper json = new ObjectMapper();
    private final AtomicInteger count = new AtomicInteger();
    private final List<KafkaProducer<String, byte[]>> opened = new ArrayList<>();
    private final ThreadLocal<KafkaProducer<String, byte[]>> producers = ThreadLocal.withInitial(this::open);

    TransactionalProducers(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    private KafkaProducer<String, byte[]> open() {
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-producer-" + count.incrementAndGet(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
        producer.initTransactions();
        synchronized (opened) {
            opened.add(producer);
        }
        return producer;
    }

    /** Opens this thread's producer: the first transactional producer a broker sees makes it create its transaction log. */
    void prepare() {
        producers.get();
    }

    void place(int quantity) throws Exception {
        Order order = new Order(UUID.randomUUID().toString(), "bench", quantity);
        KafkaProducer<String, byte[]> producer = producers.get();
        producer.beginTransaction();
        try {
            producer.send(new ProducerRecord<>(Order.TOPIC, order.orderId(), json.writeValueAsBytes(order)));
            producer.commitTransaction();
        } catch (Exception e) {
            producer.abortTransaction();
            throw e;
        }
    }

    @Override
    public void close() {
        synchronized (opened) {
            opened.forEach(KafkaProducer::close);
        }
    }
}
