package dev.entente.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A coordinator cluster of separate JVM processes on loopback. Its nodes run {@code --insecure} (plain
 * text, no client authentication) unless the extra arguments carry TLS material
 * ({@link CoordinatorSecurity#coordinatorArgs()}): tests of something other than security need neither
 * certificates nor credentials.
 */
public final class CoordinatorCluster implements AutoCloseable {

    /**
     * The Raft address one node is given for another: the other's own, or (for a test that cuts links
     * between nodes) a proxy in front of it. A node's own entry is always its real address (it listens there).
     */
    @FunctionalInterface
    public interface RaftRoutes {
        /** Nodes are named n1, n2, ...; {@code raftAddress} is where node {@code to} listens. */
        String address(String from, String to, String raftAddress);

        RaftRoutes DIRECT = (from, to, raftAddress) -> raftAddress;
    }

    /** In an extra argument, stands for the id of the node that gets it (a certificate of its own, say). */
    public static final String NODE = "{node}";

    private final List<CoordinatorProcess> nodes = new ArrayList<>();
    private final Path workDir;
    private final RaftRoutes routes;
    private final List<String> jvmOptions;
    private final List<String> extraArgs;
    private int lastNodeNumber;
    private final Map<String, String> raftAddresses = new LinkedHashMap<>();

    public CoordinatorCluster(Path workDir, int size, String... extraArgs) {
        this(workDir, size, RaftRoutes.DIRECT, extraArgs);
    }

    /** A cluster whose nodes reach each other's Raft ports at the addresses {@code routes} gives. */
    public CoordinatorCluster(Path workDir, int size, RaftRoutes routes, String... extraArgs) {
        this(workDir, size, routes, List.of(), extraArgs);
    }

    /** As above, each node's JVM also getting {@code jvmOptions}. */
    public CoordinatorCluster(Path workDir, int size, RaftRoutes routes, List<String> jvmOptions, String... extraArgs) {
        this.workDir = workDir;
        this.routes = routes;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.extraArgs = List.of(extraArgs);
        for (int i = 1; i <= size; i++) {
            raftAddresses.put("n" + i, "127.0.0.1:" + FreePorts.next());
        }
        for (int i = 1; i <= size; i++) {
            nodes.add(node("n" + i));
        }
        this.lastNodeNumber = size;
    }

    /** Node {@code self}, with every node of {@link #raftAddresses} as its peers. */
    private CoordinatorProcess node(String self) {
        String peers = raftAddresses.entrySet().stream()
                .map(p -> p.getKey() + "=" + (p.getKey().equals(self) ? p.getValue()
                        : routes.address(self, p.getKey(), p.getValue())))
                .collect(Collectors.joining(","));
        int client = FreePorts.next();
        int admin = FreePorts.next();
        List<String> args = new ArrayList<>(List.of("--node-id", self, "--peers", peers,
                "--port", String.valueOf(client), "--admin-port", String.valueOf(admin),
                "--data-dir", workDir.resolve(self).toString()));
        for (String arg : extraArgs) {
            args.add(arg.replace(NODE, self));
        }
        if (!args.contains("--tls-cert")) {
            args.add("--insecure");
        }
        if (!args.contains("--admin-read-token-file") && !args.contains("--admin-open-views")) {
            args.addAll(List.of("--admin-read-token-file", readToken(workDir).toString()));
        }
        return new CoordinatorProcess(self, workDir, client, admin, jvmOptions, args);
    }

    /**
     * A new node (n4 after n1 to n3), not started, whose {@code --peers} names the nodes of this cluster and
     * itself, as an operator starts a node before {@code entente cluster add} makes it a member. It counts
     * among {@link #nodes()} from now on.
     */
    public CoordinatorProcess addNode() {
        String self = "n" + ++lastNodeNumber;
        raftAddresses.put(self, "127.0.0.1:" + FreePorts.next());
        CoordinatorProcess node = node(self);
        nodes.add(node);
        return node;
    }

    /** Stops {@code node} and leaves it out of this cluster from now on (it was removed from the members). */
    public void forget(CoordinatorProcess node) {
        node.close();
        nodes.remove(node);
        raftAddresses.remove(node.name());
    }

    /** The read token every node's admin views take (as an operator gives all nodes one): made once per folder. */
    private static Path readToken(Path workDir) {
        Path file = workDir.resolve("admin-read-token");
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(workDir);
                byte[] random = new byte[24];
                new SecureRandom().nextBytes(random);
                Files.writeString(file, HexFormat.of().formatHex(random) + "\n");
            }
            return file;
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the read token " + file + ": " + e, e);
        }
    }

    /**
     * Starts every node and returns once a leader serves and every node follows it, so a test that
     * kills nodes starts from a whole cluster (a node still catching up when the leader dies cannot
     * win an election). If any node fails to start, or the cluster does not come together, every node
     * already started is stopped before the failure is thrown: a test that fails in its set-up leaves
     * no coordinator running.
     */
    public CoordinatorCluster start() {
        try {
            Concurrently.forEach(nodes, CoordinatorProcess::start);
            awaitEveryNodeFollowsTheLeader();
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
        return this;
    }

    /**
     * Waits until a leader serves and every node names a leader: the whole cluster is up, as an operator
     * checks before stopping the next node. Returns the leader.
     */
    public CoordinatorProcess awaitEveryNodeFollowsTheLeader() {
        CoordinatorProcess leader = awaitLeader();
        long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
        while (!nodes.stream().allMatch(CoordinatorCluster::followsALeader)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not every coordinator node follows the leader within 150 s:\n" + describe());
            }
            CoordinatorProcess.sleep(200);
        }
        return awaitLeader();
    }

    /** True if {@code node} answers and names a leader; a node too busy to answer its admin port in time is asked again. */
    private static boolean followsALeader(CoordinatorProcess node) {
        try {
            return !node.admin("/cluster").contains("\"leaderId\" : null");
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Every node's client address: clients may be given any of them. */
    public String addresses() {
        return nodes.stream().map(CoordinatorProcess::clientAddress).collect(Collectors.joining(","));
    }

    /** Where each node (n1, n2, ...) listens for Raft traffic. */
    public Map<String, String> raftAddresses() {
        return Map.copyOf(raftAddresses);
    }

    public List<CoordinatorProcess> nodes() {
        return nodes;
    }

    /** The cluster's id (its name and the random part its first leader added), once a leader serves. */
    public String clusterId() {
        return awaitLeader().clusterId();
    }

    /** Waits until a live node serves as leader, and returns it. */
    public CoordinatorProcess awaitLeader() {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            for (CoordinatorProcess node : nodes) {
                if (node.isServing()) {
                    return node;
                }
            }
            CoordinatorProcess.sleep(200);
        }
        throw new IllegalStateException("no coordinator node became a serving leader within 60 s:\n" + describe());
    }

    /** What each node says of itself and the last lines it logged: what a failed wait reports. */
    private String describe() {
        StringBuilder out = new StringBuilder();
        for (CoordinatorProcess node : nodes) {
            out.append("--- ").append(node.name()).append(node.isAlive() ? " (alive)" : " (dead)").append('\n');
            if (node.isAlive()) {
                try {
                    out.append(node.admin("/cluster")).append('\n');
                } catch (RuntimeException e) {
                    out.append("admin: ").append(e.getMessage()).append('\n');
                }
            }
            out.append(node.logTail(40)).append('\n');
        }
        return out.toString();
    }

    public List<CoordinatorProcess> followers(CoordinatorProcess leader) {
        return nodes.stream().filter(n -> n != leader).toList();
    }

    @Override
    public void close() {
        nodes.forEach(CoordinatorProcess::close);
    }
}
