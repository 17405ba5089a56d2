package dev.entente.bench.twodatabases;

import dev.entente.bench.Comparison;
import dev.entente.bench.Options;
import dev.entente.bench.WorkloadJvm;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.TestDatabases;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Row 2: one service, two databases. The same operation (credit one account in PostgreSQL and one in
 * MariaDB) with no global transaction, under Entente (agent, {@code @GlobalTransactional}, a --dev
 * coordinator node), and under Atomikos and Narayana (in-process JTA, XA on the same two databases).
 * Each variant runs in a fresh JVM, the order rotating run by run ({@link Comparison}).
 */
public final class TwoDatabasesBench {

    public static final Set<String> OPTIONS = Set.of("clients", "warmup", "seconds", "runs", "work", "variants");

    private final Options options;
    private final PrintStream out;

    public TwoDatabasesBench(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public void run() throws Exception {
        int clients = options.number("clients", 8);
        Duration warmup = options.seconds("warmup", 5);
        Duration window = options.seconds("seconds", 10);
        int runCount = options.number("runs", 3);
        List<Variant> variants = variants(options.text("variants", "all"));
        Path work = Files.createDirectories(Path.of(options.text("work", Files.createTempDirectory("entente-bench-").toString())));
        String agentJar = WorkloadJvm.agentJar();
        String postgresUrl = TestDatabases.postgres().createDatabase("entente_bench_two_pg");
        String mariadbUrl = TestDatabases.mariadb().createDatabase("entente_bench_two_maria");
        out.printf("two databases, one service: credit one row in %s and one in %s per operation, %d clients, "
                        + "%d run(s) of %.1f s after %.1f s warm-up per variant%n", TestDatabases.postgres(), TestDatabases.mariadb(),
                clients, runCount, window.toMillis() / 1000.0, warmup.toMillis() / 1000.0);
        Comparison<Variant> comparison = new Comparison<>(out, variants, variant -> variant.label);
        try (CoordinatorProcess coordinator = CoordinatorProcess.dev(work.resolve("coordinator")).start().awaitServing()) {
            String agent = "-javaagent:" + agentJar + "=coordinator=" + coordinator.clientAddress() + ",app=bench-two-databases";
            comparison.run(runCount, variant -> WorkloadJvm.measure("the two-databases workload (" + variant.label + ")",
                    variant == Variant.ENTENTE ? List.of(agent) : List.of(), TwoDatabasesWorkload.class,
                    warmup.plus(window).plusSeconds(120), variant.name(), postgresUrl, mariadbUrl, String.valueOf(clients),
                    WorkloadJvm.seconds(warmup), WorkloadJvm.seconds(window), work.toString()));
        }
        comparison.report("two databases, one service");
    }

    private static List<Variant> variants(String names) {
        if (names.equals("all")) {
            return List.of(Variant.values());
        }
        List<Variant> chosen = new ArrayList<>();
        for (String name : names.split(",")) {
            try {
                chosen.add(Variant.valueOf(name.trim().toUpperCase().replace('-', '_')));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bench two-databases: --variants takes 'all' or a list of "
                        + "no-global-transaction, entente, atomikos, narayana; got '" + name + "'");
            }
        }
        return chosen;
    }
}
