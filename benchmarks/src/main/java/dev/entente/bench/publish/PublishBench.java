package dev.entente.bench.publish;

import dev.entente.bench.Comparison;
import dev.entente.bench.LoadOptions;
import dev.entente.bench.Measurement;
import dev.entente.bench.Options;
import dev.entente.bench.WorkloadJvm;
import dev.entente.options.OptionTable;
import dev.entente.testkit.CommittedRecords;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.KafkaBroker;
import dev.entente.testkit.PrometheusText;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * Row 6: {@code @Publish} inside a global transaction (the coordinator, started with {@code --kafka},
 * publishes after the commit decision) against a plain transactional {@code KafkaProducer} sending the
 * same messages ({@link PublishWorkload}). Kafka is a real broker in this JVM; each variant runs in a
 * fresh JVM, alternately. After each run the messages that reached the topic are counted by a
 * {@code read_committed} consumer (after the coordinator's publish backlog has drained), so a variant
 * that answers fast but publishes nothing would show.
 */
public final class PublishBench {

    public static final OptionTable OPTIONS = OptionTable.commandLineOnly(LoadOptions.options(LoadOptions.CLIENTS));

    private enum Variant {
        PRODUCER("transactional KafkaProducer"),
        PUBLISH("@Publish (agent)");

        final String label;

        Variant(String label) {
            this.label = label;
        }
    }

    private final Options options;
    private final PrintStream out;
    private long committedSoFar;

    public PublishBench(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public void run() throws Exception {
        LoadOptions load = LoadOptions.of(options, LoadOptions.CLIENTS);
        String agentJar = WorkloadJvm.agentJar();
        out.printf("publish: one order message (JSON, about 80 bytes) per operation to a 1-partition topic, %s%n", load.describe());
        try (KafkaBroker kafka = new KafkaBroker(load.work().resolve("kafka"))) {
            kafka.start();
            kafka.createTopic(Order.TOPIC, 1);
            // the broker's one-off work on first transactional use must not fall in the first variant's run
            try (TransactionalProducers first = new TransactionalProducers(kafka.bootstrapServers())) {
                first.prepare();
            }
            out.printf("Kafka (in this JVM) at %s%n", kafka.bootstrapServers());
            try (CoordinatorProcess coordinator = CoordinatorProcess.dev(load.work().resolve("coordinator"), "--kafka", kafka.bootstrapServers())
                    .start().awaitServing()) {
                String agent = "-javaagent:" + agentJar + "=coordinator=" + coordinator.clientAddress() + ",app=bench-publish,kafka="
                        + kafka.bootstrapServers();
                Comparison<Variant> comparison = new Comparison<>(out, List.of(Variant.values()), variant -> variant.label);
                comparison.run(load.runs(), variant -> {
                    Measurement measured = WorkloadJvm.measure("the publish workload (" + variant.label + ")",
                            variant == Variant.PUBLISH ? List.of(agent) : List.of(), PublishWorkload.class, load.workloadTimeout(),
                            load.workloadArguments(variant.name(), kafka.bootstrapServers()));
                    countCommitted(variant, measured.completed(), coordinator, kafka);
                    return measured;
                });
                comparison.report("publish (ops/s = messages/s, as the publishing client sees them)");
            }
        }
    }

    /** Prints how many messages of this run a read_committed consumer sees, once the coordinator has published them all. */
    private void countCommitted(Variant variant, long sent, CoordinatorProcess coordinator, KafkaBroker kafka) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        long backlog;
        while ((backlog = PrometheusText.value(coordinator.admin("/metrics"), "entente_publish_backlog")) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        long committed = CommittedRecords.read(kafka.bootstrapServers(), Order.TOPIC).size();
        out.printf("  %s: %d of the run's %d sent messages (warm-up included) reached read_committed consumers%s%n", variant.label,
                committed - committedSoFar, sent, backlog > 0 ? ", " + backlog + " still in the coordinator's backlog after 120 s" : "");
        committedSoFar = committed;
    }
}
