package dev.entente.coordinator.testing;

import dev.entente.protocol.client.CoordinatorClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Registers branches as a participant's RM does, under an id of its own choosing: here 1, 2, 3 … in
 * the order a test registers them in one transaction, so that its assertions can name them.
 */
public final class TestBranches {

    private static final Map<String, AtomicLong> NEXT_ID = new ConcurrentHashMap<>();

    private TestBranches() {
    }

    /** Registers the next branch of {@code xid} on {@code resource} and returns the id it was given. */
    public static long register(CoordinatorClient client, String xid, String resource, String instanceId) {
        long id = NEXT_ID.computeIfAbsent(xid, x -> new AtomicLong()).incrementAndGet();
        client.registerBranch(xid, id, resource, instanceId);
        return id;
    }
}
