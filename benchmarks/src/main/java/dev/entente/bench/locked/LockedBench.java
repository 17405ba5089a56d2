package dev.entente.bench.locked;

import dev.entente.bench.Comparison;
import dev.entente.bench.LoadOptions;
import dev.entente.bench.Options;
import dev.entente.bench.WorkloadJvm;
import dev.entente.options.CommandOption;
import dev.entente.options.OptionTable;
import dev.entente.testkit.ZooKeeperServers;
import java.io.PrintStream;
import java.util.List;
import org.apache.curator.test.TestingServer;

/**
 * Row 5: a {@code @Locked} method (the agent's lock: Entente's own queue of ZooKeeper nodes, its fencing token,
 * the suspension watch) against Curator's {@code InterProcessMutex} used directly around the same
 * critical section ({@link LockWorkload}), outside any global transaction. ZooKeeper is a real server
 * in this JVM (Curator's TestingServer on loopback); each variant runs in a fresh JVM, alternately.
 */
public final class LockedBench {

    static final CommandOption CLIENTS = LoadOptions.CLIENTS.withDefault("4");
    static final CommandOption KEYS = new CommandOption("keys", "N", "64", "lock keys the clients pick from at random");

    public static final OptionTable OPTIONS = OptionTable.commandLineOnly(LoadOptions.options(CLIENTS, KEYS));

    private enum Variant {
        CURATOR("InterProcessMutex"),
        LOCKED("@Locked (agent)");

        final String label;

        Variant(String label) {
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
        LoadOptions load = LoadOptions.of(options, CLIENTS);
        int keys = options.number(KEYS);
        String agentJar = WorkloadJvm.agentJar();
        out.printf("locks: a critical section under a ZooKeeper lock on one of %d keys (picked at random), %s%n", keys, load.describe());
        try (TestingServer zookeeper = ZooKeeperServers.loopback(load.work().resolve("zookeeper").toFile(), 500)) {
            String agent = "-javaagent:" + agentJar + "=app=bench-locked,zookeeper=" + zookeeper.getConnectString()
                    + ",lock-root=/bench/locked";
            out.printf("ZooKeeper (in this JVM) at %s%n", zookeeper.getConnectString());
            Comparison<Variant> comparison = new Comparison<>(out, List.of(Variant.values()), variant -> variant.label);
            comparison.run(load.runs(), variant -> WorkloadJvm.measure("the lock workload (" + variant.label + ")",
                    variant == Variant.LOCKED ? List.of(agent) : List.of(), LockWorkload.class, load.workloadTimeout(),
                    load.workloadArguments(variant.name(), zookeeper.getConnectString(), String.valueOf(keys))));
            comparison.report("locks");
        }
    }
}
