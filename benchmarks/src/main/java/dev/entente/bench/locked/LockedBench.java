package dev.entente.bench.locked;

import dev.entente.bench.Comparison;
import dev.entente.bench.Options;
import dev.entente.bench.WorkloadJvm;
import dev.entente.testkit.ZooKeeperServers;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.curator.test.TestingServer;

/**
 * Row 5: a {@code @Locked} method (the agent's lock: Curator's one-lease semaphore, its fencing token,
 * the suspension watch) against Curator's {@code InterProcessMutex} used directly around the same
 * critical section ({@link LockWorkload}), outside any global transaction. ZooKeeper is a real server
 * in this JVM (Curator's TestingServer on loopback); each variant runs in a fresh JVM, alternately.
 */
public final class LockedBench {

    public static final Set<String> OPTIONS = Set.of("clients", "keys", "warmup", "seconds", "runs", "work");

    private enum Variant {
        CURATOR("curator", "InterProcessMutex"),
        LOCKED("locked", "@Locked (agent)");

        final String argument;
        final String label;

        Variant(String argument, String label) {
            this.argument = argument;
            this.label = label;
        }
    }

    private final Options options;
    private final PrintStream out;

    public LockedBench(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public void run() throws Exception {
        int clients = options.number("clients", 4);
        int keys = options.number("keys", 64);
        Duration warmup = options.seconds("warmup", 5);
        Duration window = options.seconds("seconds", 10);
        int runCount = options.number("runs", 3);
        Path work = Files.createDirectories(Path.of(options.text("work", Files.createTempDirectory("entente-bench-").toString())));
        String agentJar = WorkloadJvm.agentJar();
        out.printf("locks: a critical section under a ZooKeeper lock on one of %d keys (picked at random), %d clients, "
                        + "%d run(s) of %.1f s after %.1f s warm-up per variant%n", keys, clients, runCount, window.toMillis() / 1000.0,
                warmup.toMillis() / 1000.0);
        try (TestingServer zookeeper = ZooKeeperServers.loopback(work.resolve("zookeeper").toFile(), 500)) {
            String agent = "-javaagent:" + agentJar + "=app=bench-locked,zookeeper=" + zookeeper.getConnectString()
                    + ",lock-root=/bench/locked";
            out.printf("ZooKeeper (in this JVM) at %s%n", zookeeper.getConnectString());
            Comparison<Variant> comparison = new Comparison<>(out, List.of(Variant.values()), variant -> variant.label);
            comparison.run(runCount, variant -> WorkloadJvm.measure("the lock workload (" + variant.label + ")",
                    variant == Variant.LOCKED ? List.of(agent) : List.of(), LockWorkload.class, warmup.plus(window).plusSeconds(120),
                    variant.argument, zookeeper.getConnectString(), String.valueOf(clients), String.valueOf(keys),
                    WorkloadJvm.seconds(warmup), WorkloadJvm.seconds(window)));
            comparison.report("locks");
        }
    }
}
