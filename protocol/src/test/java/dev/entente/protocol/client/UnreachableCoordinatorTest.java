package dev.entente.protocol.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Coordinator addresses where nothing listens (real refused TCP connections): a session that was never
 * welcomed reports them unreachable, each address with its refusal, once its latest attempt at every one of
 * them failed; minting an XID then fails at once instead of after its wait.
 */
@Timeout(60)
class UnreachableCoordinatorTest {

    @Test
    void aSessionRefusedAtEveryAddressIsUnreachableNamingEach() throws Exception {
        List<String> nowhere = List.of("127.0.0.1:" + freePort(), "127.0.0.1:" + freePort());
        try (CoordinatorClient client = new CoordinatorClient(nowhere, Duration.ofSeconds(10), Duration.ofSeconds(10));
             RmSession session = new RmSession(client, "app", "app-1", Set.of(), command -> { })) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (session.unreachable().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }

            assertThat(session.unreachable()).hasValueSatisfying(why -> assertThat(why)
                    .contains(nowhere.get(0) + ": ", nowhere.get(1) + ": ").contains("Connection refused"));
            assertThat(session.isConnected()).isFalse();
        }
    }

    @Test
    void mintingFailsAtOnceNamingTheRefusalInsteadOfWaitingForAWelcome() throws Exception {
        String nowhere = "127.0.0.1:" + freePort();
        try (CoordinatorClient client = new CoordinatorClient(List.of(nowhere), Duration.ofSeconds(10), Duration.ofSeconds(10))) {
            // a wait long enough that only the refusal can end it within the test's timeout
            XidMint mint = XidMint.withOwnSession(client, "app", "app-1", Duration.ofMinutes(5));

            assertThatThrownBy(() -> mint.mint(0)).isInstanceOf(XidMint.NoGrantException.class)
                    .hasMessageStartingWith("no coordinator accepts connections (" + nowhere + ": ")
                    .hasMessageContaining("Connection refused");
        }
    }

    /** A port nothing listens on: one the system just gave out and that was closed again. */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
