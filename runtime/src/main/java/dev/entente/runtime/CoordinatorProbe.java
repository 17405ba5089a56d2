package dev.entente.runtime;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether any of the coordinator addresses accepts a connection, asked once at start-up with a plain TCP
 * connect (no gRPC, no TLS: nothing the runtime would load) so that a wrong address or a coordinator not
 * started is reported while the application starts, not at its first global transaction.
 */
final class CoordinatorProbe {

    private CoordinatorProbe() {
    }

    /** Why none of {@code addresses} ({@code host:port}) accepted a connection within {@code timeout}; empty if one did. */
    static Optional<String> noneAccepts(List<String> addresses, Duration timeout) {
        List<String> failures = new ArrayList<>();
        for (String address : addresses) {
            int colon = address.lastIndexOf(':');
            String host = address.substring(0, colon).replace("[", "").replace("]", "");
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, Integer.parseInt(address.substring(colon + 1))), (int) timeout.toMillis());
                return Optional.empty();
            } catch (IOException | RuntimeException e) {
                failures.add(address + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
        }
        return Optional.of(String.join("; ", failures));
    }
}
