package dev.entente.bench.twodatabases;

import dev.entente.bench.Measurement;
import dev.entente.bench.Options;
import dev.entente.bench.Runs;
import dev.entente.bench.Table;
import dev.entente.bench.WorkloadJvm;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.TestDatabases;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Row 2: one service, two databases. The same operation (credit one account in PostgreSQL and one in
 * MariaDB) with no global transaction, under Entente (agent, {@code @GlobalTransactional}, a --dev
 * coordinator node), and under Atomikos and Narayana (in-process JTA, XA on the same two databases).
 * Each variant runs in a fresh JVM; the order rotates run by run so none always goes first.
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
        Map<Variant, Runs> runs = new EnumMap<>(Variant.class);
        try (CoordinatorProcess coordinator = CoordinatorProcess.dev(work.resolve("coordinator")).start().awaitServing()) {
            String agent = "-javaagent:" + agentJar + "=coordinator=" + coordinator.clientAddress() + ",app=bench-two-databases";
            for (int run = 1; run <= runCount; run++) {
                for (Variant variant : rotated(variants, run)) {
                    List<String> jvmOptions = variant == Variant.ENTENTE ? List.of(agent) : List.of();
                    Measurement measured = WorkloadJvm.measure("the two-databases workload (" + variant.label + ")", jvmOptions,
                            TwoDatabasesWorkload.class, warmup.plus(window).plusSeconds(120), variant.name(), postgresUrl, mariadbUrl,
                            String.valueOf(clients), WorkloadJvm.seconds(warmup), WorkloadJvm.seconds(window), work.toString());
                    runs.computeIfAbsent(variant, v -> new Runs()).add(measured);
                    out.printf("run %d %-22s %8.0f ops/s  p50 %6.2f ms  p99 %6.2f ms  %d errors%s%n", run, variant.label,
                            measured.perSecond(), measured.p50Micros() / 1000, measured.p99Micros() / 1000, measured.errors(),
                            measured.firstError() == null ? "" : " (" + measured.firstError() + ")");
                }
            }
        }
        report(runs);
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

    private static List<Variant> rotated(List<Variant> variants, int run) {
        List<Variant> order = new ArrayList<>(variants);
        Collections.rotate(order, -(run - 1));
        return order;
    }

    private void report(Map<Variant, Runs> runs) {
        out.println();
        out.println("medians over the runs; spread = slowest-fastest run; ratio = ops/s against no global transaction");
        Table table = new Table("variant", "ops/s", "spread", "p50 ms", "p99 ms", "ratio", "errors");
        double baseline = runs.containsKey(Variant.NO_GLOBAL_TRANSACTION)
                ? runs.get(Variant.NO_GLOBAL_TRANSACTION).medianPerSecond() : Double.NaN;
        runs.forEach((variant, measured) -> table.row(variant.label, Table.whole(measured.medianPerSecond()), measured.spread(),
                String.format("%.2f", measured.medianP50Micros() / 1000), String.format("%.2f", measured.medianP99Micros() / 1000),
                Table.ratio(measured.medianPerSecond(), baseline), measured.errors()));
        table.print(out);
    }
}
