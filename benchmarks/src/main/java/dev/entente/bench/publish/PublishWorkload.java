package dev.entente.bench.publish;

import dev.entente.bench.ClosedLoop;
import dev.entente.bench.Measurement;
import dev.entente.bench.ResultLine;
import dev.entente.bench.WorkloadArguments;
import java.time.Duration;

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
        int clients = Integer.parseInt(args[2]);
        Duration warmup = WorkloadArguments.seconds(args[3]);
        Duration window = WorkloadArguments.seconds(args[4]);
        Measurement measured;
        if (way.equals("PRODUCER")) {
            try (TransactionalProducers producers = new TransactionalProducers(kafka)) {
                measured = ClosedLoop.run(clients, warmup, window, () -> producers.place(1));
            }
        } else {
            PublishedOrders orders = new PublishedOrders();
            measured = ClosedLoop.run(clients, warmup, window, () -> orders.place(1));
        }
        ResultLine.print(measured);
        System.exit(0); // the agent's clients leave non-daemon threads behind
    }
}
