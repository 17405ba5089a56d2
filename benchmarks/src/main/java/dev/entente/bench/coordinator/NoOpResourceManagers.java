package dev.entente.bench.coordinator;

import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.protocol.client.RmSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Resource managers that own no data: each holds an RM session, registers branches that vote
 * PREPARED at once, and acknowledges every phase-2 command it is pushed. What is left to measure is
 * the coordinator's own work and its round trips.
 */
final class NoOpResourceManagers implements AutoCloseable {

    private final List<RmSession> sessions = new ArrayList<>();

    NoOpResourceManagers(CoordinatorClient client, int count) {
        for (int i = 1; i <= count; i++) {
            sessions.add(new RmSession(client, "bench", instance(i), Set.of(resource(i)), command -> { }));
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!sessions.stream().allMatch(RmSession::isConnected)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the no-op RM sessions did not connect to the coordinator at "
                        + client.leaderAddress() + " within 30 s");
            }
            sleep(20);
        }
    }

    static String resource(int branch) {
        return "bench-resource-" + branch;
    }

    static String instance(int branch) {
        return "bench-rm-" + branch;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        sessions.forEach(RmSession::close);
    }
}
