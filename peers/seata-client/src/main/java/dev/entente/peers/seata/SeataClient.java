package dev.entente.peers.seata;

import dev.entente.bench.ClosedLoop;
import io.seata.rm.RMClient;
import io.seata.tm.TMClient;
import java.time.Duration;

/**
 * Seata's client in this JVM, registered with the coordinator that the system properties name
 * (registry.conf): its transaction manager (TM), and for workloads with branches its resource manager (RM).
 */
final class SeataClient {

    /** The application id the coordinator sees. */
    static final String APPLICATION = "entente-bench";
    /** The transaction service group, mapped to the coordinator cluster {@code default} in file.conf. */
    static final String TRANSACTION_GROUP = "entente_bench";
    /** Seata's default global transaction timeout. */
    static final int TIMEOUT_MILLIS = 60_000;

    private SeataClient() {
    }

    static void startTransactionManager() {
        TMClient.init(APPLICATION, TRANSACTION_GROUP);
    }

    static void startResourceManager() {
        RMClient.init(APPLICATION, TRANSACTION_GROUP);
    }

    /**
     * Runs {@code transaction} until it succeeds once, within {@code patience}: the client connects and
     * registers with the coordinator in the background, and its first calls fail until it has.
     */
    static void awaitFirst(ClosedLoop.Operation transaction, Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                transaction.run();
                return;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no global transaction went through Seata's coordinator within " + patience, e);
                }
                Thread.sleep(500);
            }
        }
    }
}
