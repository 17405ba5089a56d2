package dev.entente.coordinator.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;

/** A coordinator cluster of separate JVM processes on loopback. */
public final class CoordinatorCluster implements AutoCloseable {

    private final List<CoordinatorProcess> nodes = new ArrayList<>();

    public CoordinatorCluster(Path workDir, int size, String... extraArgs) {
        List<String> peers = new ArrayList<>();
        List<Integer> raftPorts = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            int raftPort = FreePorts.next();
            raftPorts.add(raftPort);
            peers.add("n" + i + "=127.0.0.1:" + raftPort);
        }
        for (int i = 1; i <= size; i++) {
            int client = FreePorts.next();
            int admin = FreePorts.next();
            List<String> args = new ArrayList<>(List.of("--node-id", "n" + i, "--peers", String.join(",", peers),
                    "--port", String.valueOf(client), "--admin-port", String.valueOf(admin),
                    "--data-dir", workDir.resolve("n" + i).toString()));
            args.addAll(List.of(extraArgs));
            nodes.add(new CoordinatorProcess("n" + i, workDir, client, admin, args));
        }
    }

    public CoordinatorCluster start() {
        nodes.parallelStream().forEach(CoordinatorProcess::start);
        awaitLeader();
        return this;
    }

    /** Every node's client address: clients may be given any of them. */
    public String addresses() {
        return nodes.stream().map(CoordinatorProcess::clientAddress).collect(Collectors.joining(","));
    }

    public List<CoordinatorProcess> nodes() {
        return nodes;
    }

    /** Waits until a live node reports itself leader, and returns it. */
    public CoordinatorProcess awaitLeader() {
        CoordinatorProcess[] leader = new CoordinatorProcess[1];
        Awaitility.await("a coordinator leader").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    for (CoordinatorProcess node : nodes) {
                        if (node.isAlive() && isLeader(node)) {
                            leader[0] = node;
                            return true;
                        }
                    }
                    return false;
                });
        return leader[0];
    }

    private static boolean isLeader(CoordinatorProcess node) {
        try {
            return node.admin("/cluster").contains("\"serving\" : true");
        } catch (RuntimeException e) {
            return false;
        }
    }

    public List<CoordinatorProcess> followers(CoordinatorProcess leader) {
        return nodes.stream().filter(n -> n != leader).toList();
    }

    @Override
    public void close() {
        nodes.forEach(CoordinatorProcess::close);
    }
}
