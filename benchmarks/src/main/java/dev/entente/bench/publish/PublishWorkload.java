package dev.entente.bench.publish;

import dev.entente.bench.Measurement;
import dev.entente.bench.ResultLine;
import dev.entente.bench.WorkloadArguments;

/**
 * Clients publishing one order message per operation, in their own JVM: through a plain transactional
 * {@code KafkaProducer} ({@code PRODUCER}) or a {@code @Publish} method inside a global transaction
 * ({@code PUBLISH}, run with the agent). Prints one result line.
 *
 * <p>Arguments: PRODUCER|PUBLISH, Kafka bootstrap servers, clients, warm-up seconds, measured seconds.
 */
public final class PublishWorkload {

    private PublishWorkload() {
    }

    public static void main(String[] args) throws Exception {
        String way = args[0];
        String kafka = args[1];
        WorkloadArguments loop = WorkloadArguments.readFrom(args, 2);
        Measurement measured;
        if (way.equals("PRODUCER")) {
            try (TransactionalProducers producers = new TransactionalProducers(kafka)) {
                measured = loop.run(() -> producers.place(1));
            }
        } else {
            PublishedOrders orders = new PublishedOrders();
            measured = loop.run(() -> orders.place(1));
        }
        ResultLine.print(measured);
        System.exit(0); // the agent's clients leave non-daemon threads behind
    }
}
