package dev.entente.bench;

import dev.entente.bench.agent.AdviceCostBench;
import dev.entente.bench.agent.AgentOverheadBench;
import dev.entente.bench.coordinator.CoordinatorBench;
import dev.entente.bench.coordinator.CoordinatorMemoryBench;
import dev.entente.bench.locked.LockedBench;
import dev.entente.bench.publish.PublishBench;
import dev.entente.bench.twodatabases.TwoDatabasesBench;
import dev.entente.bench.twoservices.TwoServicesBench;
import dev.entente.options.InvalidOption;
import dev.entente.options.OptionTable;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/** {@code bin/entente bench <name> [options]}: runs one driver and prints its figures and ratios. */
public final class Bench {

    /** How a driver runs, given its parsed options. */
    @FunctionalInterface
    interface Runner {
        void run(Options options, PrintStream out) throws Exception;
    }

    /** One driver: its name, what it measures (a sentence or two for the usage), its option table, and how it runs. */
    record Driver(String name, String summary, OptionTable options, Runner runner) {

        /** {@code entente bench NAME --help}: what it measures, then its options. */
        String usage() {
            return "usage: entente bench " + name + " " + options.synopsis() + "\n" + summary + "\noptions:\n" + options.usage();
        }
    }

    /** Every driver, in the order of docs/benchmarks.md's rows. */
    static final List<Driver> DRIVERS = List.of(
            new Driver("coordinator", "row 1: the coordinator alone, no-op branches, 1 node and a 3-node cluster; "
                    + "Seata 2.0.0's coordinator in raft mode side by side (empty transactions, Seata's own client)",
                    CoordinatorBench.OPTIONS, (options, out) -> new CoordinatorBench(options, out).run()),
            new Driver("two-databases", "row 2: one row in PostgreSQL and one in MariaDB per operation: no global transaction, "
                    + "Entente (agent), Atomikos and Narayana (in-process JTA), Seata in XA mode (its own client and coordinator)",
                    TwoDatabasesBench.OPTIONS, (options, out) -> new TwoDatabasesBench(options, out).run()),
            new Driver("two-services", "row 3: a front service (PostgreSQL) calling a second service (MariaDB) over HTTP, one row "
                    + "credited in each: no global transaction, and Entente (agent in both)",
                    TwoServicesBench.OPTIONS, (options, out) -> new TwoServicesBench(options, out).run()),
            new Driver("agent-overhead", "row 4: JDBC statements on PostgreSQL outside transactions with and without -javaagent; "
                    + "start-up of a small main and of a Spring Boot web + JPA app with no agent, Entente's, the OpenTelemetry "
                    + "agent (and an older Entente jar), alternating",
                    AgentOverheadBench.OPTIONS, (options, out) -> new AgentOverheadBench(options, out).run()),
            new Driver("advice-cost", "row 4: JMH, ns per JDBC call the agent's advice costs with no transaction bound "
                    + "(prepareStatement, commit, close on a connection that does nothing)",
                    AdviceCostBench.OPTIONS, (options, out) -> new AdviceCostBench(options, out).run()),
            new Driver("locked", "row 5: a critical section under a ZooKeeper lock: Curator's InterProcessMutex, and a @Locked "
                    + "method (agent)", LockedBench.OPTIONS, (options, out) -> new LockedBench(options, out).run()),
            new Driver("publish", "row 6: one Kafka message per operation: a transactional KafkaProducer, and @Publish inside a "
                    + "global transaction (agent, coordinator with --kafka)",
                    PublishBench.OPTIONS, (options, out) -> new PublishBench(options, out).run()),
            new Driver("coordinator-memory", "row 7: coordinator heap per transaction left in flight",
                    CoordinatorMemoryBench.OPTIONS, (options, out) -> new CoordinatorMemoryBench(options, out).run()));

    static final String USAGE = usage();

    private Bench() {
    }

    private static String usage() {
        StringBuilder usage = new StringBuilder("usage: entente bench <name> [options]   (entente bench <name> --help: its options)\n\n");
        for (Driver driver : DRIVERS) {
            usage.append("  ").append(driver.name()).append('\n').append(indented(driver.summary())).append(indented(driver.options().synopsis()));
        }
        return usage.append("\nFigures go to standard output; docs/benchmarks.md says how to read them.").toString();
    }

    /**
     * {@code text} wrapped at about 100 columns, each line indented under the driver's name; never inside
     * brackets, so each option of a synopsis ({@code [--databases NAME]}) stays on one line.
     */
    private static String indented(String text) {
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" (?![^\\[]*\\])")) {
            if (line.length() > 0 && line.length() + word.length() > 96) {
                out.append("      ").append(line.toString().stripTrailing()).append('\n');
                line.setLength(0);
            }
            line.append(word).append(' ');
        }
        return out.append("      ").append(line.toString().stripTrailing()).append('\n').toString();
    }

    public static void main(String[] args) throws Exception {
        // a driver stopped by Ctrl-C leaves no coordinator or workload JVM of its own behind
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroy)));
        int status = run(args, System.out);
        System.exit(status);
    }

    static int run(String[] args, PrintStream out) throws Exception {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
            out.println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        Driver driver = DRIVERS.stream().filter(candidate -> candidate.name().equals(args[0])).findFirst().orElse(null);
        if (driver == null) {
            System.err.println("entente bench: unknown benchmark '" + args[0] + "'\n" + USAGE);
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (OptionTable.asksForHelp(rest)) {
            out.print(driver.usage());
            return 0;
        }
        try {
            Options options = new Options(driver.options(), rest);
            Environment.describe(out);
            driver.runner().run(options, out);
        } catch (InvalidOption e) {
            System.err.println("entente bench " + driver.name() + ": " + e.getMessage() + "\n" + driver.usage());
            return 2;
        }
        return 0;
    }
}
