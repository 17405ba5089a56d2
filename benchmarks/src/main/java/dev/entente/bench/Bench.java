package dev.entente.bench;

import dev.entente.bench.agent.AdviceCostBench;
import dev.entente.bench.agent.AgentOverheadBench;
import dev.entente.bench.coordinator.CoordinatorBench;
import dev.entente.bench.coordinator.CoordinatorMemoryBench;
import dev.entente.bench.locked.LockedBench;
import dev.entente.bench.publish.PublishBench;
import dev.entente.bench.twodatabases.TwoDatabasesBench;
import dev.entente.bench.twoservices.TwoServicesBench;
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
              two-services    row 3: a front service (PostgreSQL) calling a second service (MariaDB) over HTTP,
                              one row credited in each: no global transaction, and Entente (agent in both)
                              [--clients N] [--warmup S] [--seconds S] [--runs N] [--work DIR]
              agent-overhead  row 4: JDBC statements on PostgreSQL outside transactions with and without
                              -javaagent; start-up of a small main and of a Spring Boot web + JPA app with no
                              agent, Entente's, the OpenTelemetry agent (and an older Entente jar), alternating
                              [--parts jdbc,small,boot] [--starts N] [--boot-starts N] [--baseline-agent JAR]
                              [--clients N] [--warmup S] [--seconds S] [--runs N] [--work DIR]
              advice-cost     row 4: JMH, ns per JDBC call the agent's advice costs with no transaction bound
                              (prepareStatement, commit, close on a connection that does nothing)
                              [--baseline-agent JAR]
              locked          row 5: a critical section under a ZooKeeper lock: Curator's InterProcessMutex,
                              and a @Locked method (agent)
                              [--clients N] [--keys N] [--warmup S] [--seconds S] [--runs N] [--work DIR]
              publish         row 6: one Kafka message per operation: a transactional KafkaProducer, and
                              @Publish inside a global transaction (agent, coordinator with --kafka)
                              [--clients N] [--warmup S] [--seconds S] [--runs N] [--work DIR]
              coordinator-memory
                              row 7: coordinator heap per transaction left in flight
                              [--transactions 1000,5000,20000] [--branches N] [--clients N] [--runs N] [--work DIR]

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
        if (!Set.of("coordinator", "two-databases", "two-services", "agent-overhead", "advice-cost", "locked", "publish", "coordinator-memory")
                .contains(name)) {
            System.err.println("entente bench: unknown benchmark '" + name + "'\n" + USAGE);
            return 2;
        }
        Environment.describe(out);
        switch (name) {
            case "coordinator" -> new CoordinatorBench(new Options(name, rest, CoordinatorBench.OPTIONS), out).run();
            case "two-databases" -> new TwoDatabasesBench(new Options(name, rest, TwoDatabasesBench.OPTIONS), out).run();
            case "two-services" -> new TwoServicesBench(new Options(name, rest, TwoServicesBench.OPTIONS), out).run();
            case "agent-overhead" -> new AgentOverheadBench(new Options(name, rest, AgentOverheadBench.OPTIONS), out).run();
            case "advice-cost" -> new AdviceCostBench(new Options(name, rest, AdviceCostBench.OPTIONS), out).run();
            case "locked" -> new LockedBench(new Options(name, rest, LockedBench.OPTIONS), out).run();
            case "publish" -> new PublishBench(new Options(name, rest, PublishBench.OPTIONS), out).run();
            default -> new CoordinatorMemoryBench(new Options(name, rest, CoordinatorMemoryBench.OPTIONS), out).run();
        }
        return 0;
    }
}
