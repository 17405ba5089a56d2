package dev.entente.agent.apps;

import dev.entente.api.GlobalTransaction;
import dev.entente.api.GlobalTransactional;
import dev.entente.api.PropagationHeaders;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * An application with its own Kafka client (not Entente's): it sends one record from inside a global
 * transaction (which also writes PostgreSQL) and one outside, then consumes the topic and prints, per
 * record, {@code "record <key> | xid <entente-xid header> | token <present|absent> | consumed in '<bound XID>'"},
 * and {@code "inside ran in <XID>"}. Arguments: bootstrap servers, topic, PostgreSQL JDBC URL.
 */
public final class KafkaRecordsApp {

    private final String bootstrapServers;
    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final String url;

    private KafkaRecordsApp(String bootstrapServers, KafkaProducer<String, String> producer, String topic, String url) {
        this.bootstrapServers = bootstrapServers;
        this.producer = producer;
        this.topic = topic;
        this.url = url;
    }

    public static void main(String[] args) throws Exception {
        Map<String, Object> settings = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0],
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(settings)) {
            KafkaRecordsApp app = new KafkaRecordsApp(args[0], producer, args[1], args[2]);
            try (Connection connection = DriverManager.getConnection(app.url); Statement statement = connection.createStatement()) {
                statement.executeUpdate("create table if not exists sent (id varchar(20) primary key)");
            }
            System.out.println("inside ran in " + app.sendInside());
            producer.send(new ProducerRecord<>(app.topic, "outside", "sent outside any transaction")).get();
            app.consume(2);
        }
        System.out.println("done");
    }

    @GlobalTransactional
    public String sendInside() throws Exception {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.executeUpdate("insert into sent values ('inside')");
        }
        producer.send(new ProducerRecord<>(topic, "inside", "sent inside a global transaction")).get();
        return GlobalTransaction.currentXid().orElse("");
    }

    /** The consumer's handler, as an application writes it: it reads the header by its name. */
    private void consume(int expected) {
        Properties settings = new Properties();
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, "kafka-records-app");
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(settings)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int seen = 0;
            while (seen < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    System.out.println("record " + record.key() + " | xid " + header(record, PropagationHeaders.XID)
                            + " | token " + (header(record, PropagationHeaders.TOKEN).isEmpty() ? "absent" : "present")
                            + " | consumed in '" + GlobalTransaction.currentXid().orElse("") + "'");
                    seen++;
                }
            }
        }
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
