package dev.entente.coordinator.testing;

import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.testkit.CoordinatorProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A single {@code --dev} coordinator process publishing to a Kafka cluster, with a client and an RM of
 * application {@code orders} that serves {@link #ORDERS}: what the publish tests commit through.
 */
public record PublishingNode(CoordinatorProcess coordinator, CoordinatorClient client, FakeRm rm) implements AutoCloseable {

    public static final String ORDERS = "postgresql://127.0.0.1:5432/orders";

    /** Starts the node in {@code dir} with {@code --kafka kafka} and {@code moreArgs}, and connects to it. */
    public static PublishingNode dev(Path dir, String kafka, String... moreArgs) {
        List<String> args = new ArrayList<>(List.of("--kafka", kafka));
        args.addAll(List.of(moreArgs));
        CoordinatorProcess coordinator = CoordinatorProcess.dev(dir, args.toArray(String[]::new)).start().awaitServing();
        CoordinatorClient client = CoordinatorClient.connect(coordinator.clientAddress());
        return new PublishingNode(coordinator, client, new FakeRm(client, "orders", "orders-1", Set.of(ORDERS)).connect());
    }

    @Override
    public void close() {
        rm.close();
        client.close();
        coordinator.close();
    }
}
