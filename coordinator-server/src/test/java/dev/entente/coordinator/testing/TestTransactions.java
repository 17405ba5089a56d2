package dev.entente.coordinator.testing;

import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.protocol.client.XidMint;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Begins transactions in tests as a TM does: an RM session of the application over the test's client
 * is welcomed with a grant, and XIDs are minted from it with no call to the coordinator. The session
 * (one per client and application, serving no resource) ends when the client is closed.
 */
public final class TestTransactions {

    private record Owner(CoordinatorClient client, String app) {
    }

    private static final Map<Owner, XidMint> MINTS = new ConcurrentHashMap<>();
    private static final AtomicInteger SESSIONS = new AtomicInteger();

    private TestTransactions() {
    }

    /** A new XID of {@code app}'s, due to roll back {@code timeoutMillis} from now if undecided. */
    public static String begin(CoordinatorClient client, String app, long timeoutMillis) {
        return MINTS.computeIfAbsent(new Owner(client, app), TestTransactions::openSession).mint(timeoutMillis);
    }

    /**
     * As above, and {@code participants} (clients of other processes) hold the transaction as a request
     * that propagates it makes them: they know its XID and its token.
     */
    public static String begin(CoordinatorClient client, String app, long timeoutMillis, CoordinatorClient... participants) {
        String xid = begin(client, app, timeoutMillis);
        for (CoordinatorClient participant : participants) {
            participant.tokens().put(xid, client.tokens().get(xid));
        }
        return xid;
    }

    private static XidMint openSession(Owner owner) {
        return XidMint.withOwnSession(owner.client(), owner.app(), "tm-" + owner.app() + "-" + SESSIONS.incrementAndGet(),
                Duration.ofSeconds(20));
    }
}
