package dev.entente.testkit;

import java.io.File;
import java.util.Map;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/** A real ZooKeeper server in this JVM (Curator's TestingServer), listening on loopback only. */
public final class ZooKeeperServers {

    private ZooKeeperServers() {
    }

    /**
     * Starts a server on a free loopback port with its data in {@code dataDir} (deleted on close).
     *
     * @param tickMillis ZooKeeper's tick: session timeouts may range from 2 to 20 ticks
     */
    public static TestingServer loopback(File dataDir, int tickMillis) throws Exception {
        InstanceSpec spec = new InstanceSpec(dataDir, -1, -1, -1, true, -1, tickMillis, -1,
                Map.of("clientPortAddress", "127.0.0.1"), "127.0.0.1");
        return new TestingServer(spec, true);
    }
}
