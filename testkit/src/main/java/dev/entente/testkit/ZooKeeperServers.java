package dev.entente.testkit;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;

/** Real ZooKeeper servers in this JVM (Curator's TestingServer and TestingCluster), listening on loopback only. */
public final class ZooKeeperServers {

    private ZooKeeperServers() {
    }

    /**
     * Starts a server on a free loopback port with its data in {@code dataDir} (deleted on close).
     *
     * @param tickMillis ZooKeeper's tick: session timeouts may range from 2 to 20 ticks
     */
    public static TestingServer loopback(File dataDir, int tickMillis) throws Exception {
        return new TestingServer(loopbackSpec(dataDir, tickMillis), true);
    }

    /** An ensemble of {@code size} servers on loopback ports (temporary data), not yet started. */
    public static TestingCluster loopbackEnsemble(int size) {
        List<InstanceSpec> servers = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            servers.add(loopbackSpec(null, -1));
        }
        return new TestingCluster(servers);
    }

    /** Client, election and quorum ports all on 127.0.0.1; a free port and a fresh server id each. */
    private static InstanceSpec loopbackSpec(File dataDir, int tickMillis) {
        return new InstanceSpec(dataDir, -1, -1, -1, true, -1, tickMillis, -1, Map.of("clientPortAddress", "127.0.0.1"),
                "127.0.0.1");
    }
}
