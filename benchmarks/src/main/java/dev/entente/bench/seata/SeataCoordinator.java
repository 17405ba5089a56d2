package dev.entente.bench.seata;

import dev.entente.testkit.Concurrently;
import dev.entente.testkit.FreePorts;
import dev.entente.testkit.JvmProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Seata 2.0.0's coordinator (TC) in raft mode on loopback, one node or a group of several, each a JVM
 * started from the class path module {@code peers} resolves; and the command of a Seata client JVM that
 * finds it. Seata's defaults throughout, but its log level: WARN, where its default INFO writes several
 * lines per transaction (and halves its throughput on a busy machine).
 *
 * <p>Every node names itself {@value #HOST} ({@code -h}): that name is its XID prefix, its raft peer id and
 * the address it publishes to clients. Seata refuses 127.0.0.1 and 0.0.0.0 there and would take the first
 * non-loopback interface's address instead, which is not in a loopback raft configuration (the node never
 * elects itself) and would send clients off the machine; 127.0.0.2 is loopback too (127.0.0.0/8 is on
 * {@code lo}) and is accepted. Its HTTP port (metadata for raft clients) is bound to that address; its RPC
 * and raft ports are bound by port alone, as Seata 2.0.0 has no setting for their address.
 */
public final class SeataCoordinator implements AutoCloseable {

    public static final String HOST = "127.0.0.2";
    private static final String MAIN = "io.seata.server.ServerApplication";
    private static final Duration START_PATIENCE = Duration.ofMinutes(4);

    /** One TC: its HTTP (console, raft metadata), Seata RPC and raft ports, and its process. */
    private record Node(int http, int rpc, int raft, JvmProcess process) {
    }

    private final List<Node> nodes;

    private SeataCoordinator(List<Node> nodes) {
        this.nodes = nodes;
    }

    /** Starts a raft group of {@code size} nodes, data and logs under {@code work}, and waits until each serves and knows its leader. */
    public static SeataCoordinator startRaft(int size, Path work) {
        List<int[]> ports = IntStream.range(0, size).mapToObj(i -> new int[] {FreePorts.next(), FreePorts.next(), FreePorts.next()}).toList();
        String group = ports.stream().map(p -> HOST + ":" + p[2]).collect(Collectors.joining(","));
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            int[] p = ports.get(i);
            Path dir = work.resolve("seata-raft-" + size).resolve("node" + (i + 1));
            nodes.add(new Node(p[0], p[1], p[2], new JvmProcess("Seata TC " + (i + 1) + "/" + size,
                    options(p[0], p[1], p[2], group, dir), dir.resolve("tc.log"), "Started ServerApplication")));
        }
        SeataCoordinator coordinator = new SeataCoordinator(List.copyOf(nodes));
        try {
            // all at once: each takes 10-60 s (Spring Boot), and a raft node waits for the others anyway
            Concurrently.forEach(nodes, node -> node.process().start(START_PATIENCE));
            nodes.forEach(SeataCoordinator::awaitServing);
        } catch (RuntimeException e) {
            coordinator.close();
            throw e;
        }
        return coordinator;
    }

    private static List<String> options(int http, int rpc, int raft, String group, Path dir) {
        return List.of("-server", "-Xms512m", "-Xmx512m", "-Xss512k", "-XX:+UseG1GC", "-Djava.net.preferIPv4Stack=true",
                // Seata's own parser (JCommander) refuses Spring's --key=value arguments: every setting is a system property
                "-Dserver.port=" + http, "-Dserver.address=" + HOST, "-Dseata.server.service-port=" + rpc,
                "-Dseata.store.mode=raft", "-Dseata.server.raft.server-addr=" + group,
                // the nodes share one address, so each is told its own raft port (else it looks itself up by address alone)
                "-Dserver.raftPort=" + raft,
                "-Dseata.config.type=file", "-Dseata.registry.type=file",
                "-Dlog.home=" + dir.resolve("logs"), "-Dseata.store.file.dir=" + dir.resolve("sessionStore"),
                "-Dlogging.level.io.seata=WARN", "-Dlogging.level.com.alipay=WARN",
                "-Dlogging.level.io.seata.server.ServerApplication=INFO",
                "-cp", SeataArtifacts.serverClassPath(), MAIN, "-h", HOST);
    }

    /** Waits until {@code node} accepts Seata RPC connections and its raft metadata names a leader. */
    private static void awaitServing(Node node) {
        long deadline = System.nanoTime() + START_PATIENCE.toNanos();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI metadata = URI.create("http://" + HOST + ":" + node.http() + "/metadata/v1/cluster?group=default");
        while (!(accepts(node.rpc()) && namesLeader(http, metadata))) {
            if (!node.process().isAlive()) {
                throw new IllegalStateException(node.process().name() + " exited; see " + node.process().logFile());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(node.process().name() + " did not serve with a raft leader within " + START_PATIENCE
                        + "; see " + node.process().logFile());
            }
            sleep(500);
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean namesLeader(HttpClient http, URI metadata) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(metadata).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"role\":\"LEADER\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public int size() {
        return nodes.size();
    }

    /** Where the nodes take Seata RPC, for the record: 127.0.0.2:PORT,... */
    public String addresses() {
        return nodes.stream().map(node -> HOST + ":" + node.rpc()).collect(Collectors.joining(","));
    }

    /** The process id of every node, leader or not (for a profile). */
    public List<Long> pids() {
        return nodes.stream().map(node -> node.process().pid()).toList();
    }

    /**
     * The command of a JVM running {@code main} of module peers' Seata client with {@code args}, pointed at this
     * coordinator: one node by its RPC address; a group through Seata's raft registry, which asks the nodes' HTTP
     * metadata for the leader (followers refuse transactions).
     */
    public List<String> clientCommand(String main, String... args) {
        // Seata's client logs several INFO lines per global transaction
        List<String> command = new ArrayList<>(List.of(JvmProcess.javaBinary(), "-Xmx256m", "-Djava.net.preferIPv4Stack=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        if (nodes.size() == 1) {
            command.add("-Dservice.default.grouplist=" + HOST + ":" + nodes.get(0).rpc());
        } else {
            command.add("-Dregistry.type=raft");
            command.add("-Dregistry.raft.serverAddr=" + nodes.stream().map(node -> HOST + ":" + node.http()).collect(Collectors.joining(",")));
        }
        command.addAll(List.of("-cp", SeataArtifacts.clientClassPath(), main));
        command.addAll(Arrays.asList(args));
        return command;
    }

    /** Stops every node (SIGTERM, SIGKILL after 10 s), all at once. */
    @Override
    public void close() {
        Concurrently.forEach(nodes, node -> node.process().close());
    }
}
