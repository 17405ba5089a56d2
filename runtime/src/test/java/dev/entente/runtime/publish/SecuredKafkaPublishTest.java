package dev.entente.runtime.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entente.runtime.Settings;
import dev.entente.testkit.CommittedRecords;
import dev.entente.testkit.CommittedRecords.Message;
import dev.entente.testkit.CoordinatorSecurity;
import dev.entente.testkit.KafkaBroker;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code @Publish} outside a global transaction (the runtime's own producer) and the setting
 * kafka-client-properties, against a real KRaft broker whose only client listener is SASL_SSL
 * (SCRAM-SHA-256 over TLS): with the user's credentials in the file the message arrives; with a wrong
 * password, or without the file (plain text), the broker refuses the producer and nothing arrives.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class SecuredKafkaPublishTest {

    private static final String TOPIC = "orders";
    private static final PublishDefinition PUBLISH = new PublishDefinition("OrderService.place", TOPIC, null, MessageValues.json());

    private Path work;
    private KafkaBroker kafka;

    @BeforeAll
    void start(@TempDir Path work) {
        this.work = work;
        CoordinatorSecurity tls = CoordinatorSecurity.create(work.resolve("tls")).issue("kafka", "kafka");
        kafka = KafkaBroker.saslSsl(work.resolve("kafka"), tls.certificate("kafka"), tls.key("kafka"), tls.authority(),
                Map.of("orders", "orders-password-1234"));
        kafka.start();
        kafka.createTopic(TOPIC, 1);
    }

    @AfterAll
    void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void withTheUsersCredentialsAMessageArrivesAndWithoutThemNone() throws IOException {
        publish(settings(file("right", kafka.clientProperties("orders"))), "with credentials");

        Properties wrongPassword = kafka.clientProperties("orders");
        wrongPassword.put("sasl.jaas.config", ((String) wrongPassword.get("sasl.jaas.config")).replace("orders-password-1234", "guessed-password"));
        publish(settings(file("wrong", wrongPassword)), "with a wrong password");
        publish(Settings.resolve(Map.of("app", "orders", "kafka", kafka.bootstrapServers()), Map.of(), new Properties()),
                "in plain text");

        assertThat(CommittedRecords.read(kafka.bootstrapServers(), kafka.clientProperties("orders"), TOPIC))
                .extracting(Message::value).containsExactly("\"with credentials\"");
    }

    @Test
    void aFileWithOtherThanSecuritySettingsStopsStartUpNamingTheKey() throws IOException {
        Properties redirecting = kafka.clientProperties("orders");
        redirecting.put("bootstrap.servers", "elsewhere:9092");
        Path file = file("redirecting", redirecting);
        assertThatThrownBy(() -> settings(file)).isInstanceOf(Settings.InvalidSetting.class)
                .hasMessage("agent argument kafka-client-properties: " + file + ": 'bootstrap.servers' is not a security "
                        + "setting of the Kafka client; the file takes only security.protocol, security.providers, ssl.*, sasl.*");
        assertThat(settings(file("shown", kafka.clientProperties("orders"))).kafkaSecurity().toString())
                .contains("sasl.jaas.config").doesNotContain("orders-password-1234");
    }

    /** Publishes {@code value} as a @Publish method outside a global transaction would, and waits until it is sent or failed. */
    private static void publish(Settings settings, String value) {
        try (PublishManager publisher = new PublishManager(settings.kafka(), settings.kafkaSecurity(), () -> {
            throw new IllegalStateException("outside a global transaction the coordinator is not asked");
        }, () -> {
            throw new IllegalStateException("outside a global transaction no transaction is told");
        })) {
            assertThat(publisher.returned(PUBLISH, new Object[0], value, SecuredKafkaPublishTest.class.getClassLoader())).isNull();
        }
    }

    private Settings settings(Path clientProperties) {
        return Settings.resolve(Map.of("app", "orders", "kafka", kafka.bootstrapServers(),
                "kafka-client-properties", clientProperties.toString()), Map.of(), new Properties());
    }

    private Path file(String name, Properties properties) throws IOException {
        Path file = work.resolve(name + ".properties");
        try (Writer writer = Files.newBufferedWriter(file)) {
            properties.store(writer, "Kafka client properties");
        }
        return file;
    }
}
