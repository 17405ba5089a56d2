package dev.entente.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;

/**
 * Loopback ports nobody listens on, never the same one twice in a test JVM.
 *
 * <p>They come from below Linux's ephemeral range (32768 and up), not from the kernel's port 0: a
 * port 0 hands out is an ephemeral port, which the next outgoing connection of any process (a JDBC,
 * gRPC or Kafka client) may take in the seconds before the server it is meant for binds it. Below
 * that range only another caller of this class competes, and each JVM walks the range from a random
 * start of its own.
 */
public final class FreePorts {

    private static final int LOWEST = 15_000;
    private static final int RANGE = 32_000 - LOWEST;

    private static int offset = new SecureRandom().nextInt(RANGE);

    private FreePorts() {
    }

    public static synchronized int next() {
        for (int attempt = 0; attempt < RANGE; attempt++) {
            int port = LOWEST + offset;
            offset = (offset + 1) % RANGE;
            if (bindable(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port between " + LOWEST + " and " + (LOWEST + RANGE));
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }
}
