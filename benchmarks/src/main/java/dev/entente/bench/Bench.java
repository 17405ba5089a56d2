package dev.entente.bench;

import dev.entente.bench.agent.AgentOverheadBench;
import dev.entente.bench.coordinator.CoordinatorBench;
import dev.entente.bench.twodatabases.TwoDatabasesBench;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Set;

/** {@code bin/entente bench <name> [options]}: runs one driver and prints its figures and ratios. */
public final class Bench {

    static final String USAGE = """
            usage: entente bench <name> [options]

              coordinator     row 1: the coordinator alone, no-op branches, 1 node and a 3-node cluster
                              [--nodes 1,3] [--branches 0,2] [--concurrency 1,4,16,64,256]
                              [--warmup S] [--seconds S] [--runs N] [--work DIR]
              two-databases   row 2: one row in PostgreSQL and one in MariaDB per operation: no global transaction,
                              Entente (agent), Atomikos and Narayana (in-process JTA)
                              [--clients N] [--warmup S] [--seconds S] [--runs N] [--work DIR]
                              [--variants all | no-global-transaction,entente,atomikos,narayana]
              agent-overhead  row 4: JDBC statements on PostgreSQL outside transactions, and JVM start-up,
                              each with and without -javaagent
                              [--clients N] [--warmup S] [--seconds S] [--runs N] [--starts N] [--work DIR]

            Figures go to standard output; docs/benchmarks.md says how to read them.""";

    private Bench() {
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
        String name = args[0];
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (!Set.of("coordinator", "two-databases", "agent-overhead").contains(name)) {
            System.err.println("entente bench: unknown benchmark '" + name + "'\n" + USAGE);
            return 2;
        }
        Environment.describe(out);
        switch (name) {
            case "coordinator" -> new CoordinatorBench(new Options(name, rest, CoordinatorBench.OPTIONS), out).run();
            case "two-databases" -> new TwoDatabasesBench(new Options(name, rest, TwoDatabasesBench.OPTIONS), out).run();
            default -> new AgentOverheadBench(new Options(name, rest, AgentOverheadBench.OPTIONS), out).run();
        }
        return 0;
    }
}
