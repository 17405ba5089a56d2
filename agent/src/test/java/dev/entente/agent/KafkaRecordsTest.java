package dev.entente.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entente.agent.apps.KafkaRecordsApp;
import dev.entente.agent.testing.ServiceProcess;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.KafkaBroker;
import dev.entente.testkit.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Records an application sends with its own Kafka producer (not {@code @Publish}) carry the XID of the
 * global transaction they were sent in, and never its token, so that the handler that consumes them can
 * see which transaction sent them; consuming one does not put the consumer in that transaction. A real
 * KRaft broker (in this JVM), a real coordinator and PostgreSQL; one application JVM.
 */
@Timeout(240)
class KafkaRecordsTest {

    private static final String TOPIC = "app.records";

    @Test
    void recordsSentInsideAGlobalTransactionCarryItsXidForTheirConsumers() throws Exception {
        Path work = Files.createTempDirectory("entente-kafka-records");
        String url = TestDatabases.postgres().createDatabase("kafka_records");
        String output;
        String clusterId;
        try (KafkaBroker kafka = new KafkaBroker(work.resolve("kafka"))) {
            kafka.start();
            kafka.createTopic(TOPIC, 1);
            try (CoordinatorProcess coordinator = CoordinatorProcess.dev(work, "--cluster-id", "records-it").start().awaitServing()) {
                clusterId = coordinator.clusterId();
                output = ServiceProcess.runWithLibraries(work, "kafka-records", "coordinator=" + coordinator.clientAddress()
                                + ",cluster=records-it,app=records", List.of("/org/apache/kafka/kafka-clients/"),
                        KafkaRecordsApp.class, kafka.bootstrapServers(), TOPIC, url);
            }
        }
        String xid = output.lines().filter(line -> line.startsWith("inside ran in ")).findFirst()
                .map(line -> line.substring("inside ran in ".length())).orElseThrow(() -> new AssertionError(output));

        assertThat(xid).as(output).startsWith(clusterId + ":");
        assertThat(output.lines().filter(line -> line.startsWith("record "))).as(output).containsExactly(
                "record inside | xid " + xid + " | token absent | consumed in ''",
                "record outside | xid  | token absent | consumed in ''");
    }
}
