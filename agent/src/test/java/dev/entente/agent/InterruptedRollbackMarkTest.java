package dev.entente.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entente.protocol.Outcome;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.protocol.client.XidMint;
import dev.entente.runtime.tm.CarriedVotes;
import dev.entente.runtime.tm.TransactionManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import dev.entente.testkit.CoordinatorProcess;

/**
 * A service that joined a transaction and failed marks it for rollback at the coordinator, even from a thread
 * that is interrupted meanwhile: a reactive server's worker is interrupted when the request's handling is
 * disposed, which can come while the 5xx it answered is being told (seen once in the WebFlux two-service test:
 * the mark was lost, and the caller, ignoring the error, committed without the callee's work). Against a real
 * coordinator process: the owner's commit is refused, and the thread keeps its interrupt.
 */
@Timeout(120)
class InterruptedRollbackMarkTest {

    @TempDir
    static Path work;
    static CoordinatorProcess coordinator;
    static CoordinatorClient owner;
    static CoordinatorClient joined;

    @BeforeAll
    static void start() {
        coordinator = CoordinatorProcess.dev(work).start().awaitServing();
        owner = CoordinatorClient.connect(coordinator.clientAddress());
        joined = CoordinatorClient.connect(coordinator.clientAddress());
    }

    @AfterAll
    static void stop() {
        joined.close();
        owner.close();
        coordinator.close();
    }

    @Test
    void aJoinedServiceInterruptedWhileItFailsStillStopsTheCommit() {
        String xid = XidMint.withOwnSession(owner, "orders", "tm-orders", Duration.ofSeconds(20)).mint(60_000);
        joined.tokens().put(xid, owner.tokens().get(xid)); // as the request that joined carried them
        TransactionManager stock = new TransactionManager(() -> joined, null, new CarriedVotes(), "rm-stock", "stock",
                false, 30_000, List.of());

        boolean keptInterrupt;
        Thread.currentThread().interrupt();
        try {
            stock.markRollbackOnly(xid, "its request handler answered 500");
        } finally {
            keptInterrupt = Thread.interrupted();
        }

        assertThat(keptInterrupt).as("the thread is still interrupted").isTrue();
        assertThat(owner.commit(xid, false).getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
    }
}
