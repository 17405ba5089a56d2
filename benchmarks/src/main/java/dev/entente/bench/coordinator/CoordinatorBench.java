package dev.entente.bench.coordinator;

import dev.entente.bench.Comparison;
import dev.entente.bench.Environment;
import dev.entente.bench.LoadOptions;
import dev.entente.bench.Measurement;
import dev.entente.bench.Options;
import dev.entente.bench.Runs;
import dev.entente.bench.Table;
import dev.entente.options.CommandOption;
import dev.entente.options.InvalidOption;
import dev.entente.options.OptionTable;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Row 1: the coordinator alone. Clients run global transactions against one node and against a
 * cluster, at each concurrency: Entente's with 0..n no-op branches ({@link EntenteCoordinator}), and, for
 * comparison, Seata 2.0.0's in raft mode with empty transactions ({@link SeataRaftCoordinator}). Every
 * coordinator is started once; the points are interleaved run by run, the coordinators' order rotating,
 * so every configuration meets the same background load.
 */
public final class CoordinatorBench {

    static final CommandOption SYSTEMS = new CommandOption("systems", "LIST", "entente,seata",
            "entente, seata (Seata 2.0.0's coordinator in raft mode: empty transactions, so only --branches 0), or both");
    static final CommandOption NODES = new CommandOption("nodes", "N,...", "1,3", "cluster sizes: 1 is a --dev node, more a cluster");
    static final CommandOption BRANCHES = new CommandOption("branches", "N,...", "0,2", "no-op branches per transaction");
    static final CommandOption CONCURRENCY = new CommandOption("concurrency", "C,...", "1,4,16,64,256", "clients at once");
    static final CommandOption WARMUP = LoadOptions.WARMUP.withDefault("2");
    static final CommandOption SECONDS = LoadOptions.SECONDS.withDefault("5");

    /** Every point is a system, a cluster size, a branch count and a concurrency. */
    public static final OptionTable OPTIONS = OptionTable.commandLineOnly(List.of(SYSTEMS, NODES, BRANCHES, CONCURRENCY, WARMUP,
            SECONDS, LoadOptions.RUNS, LoadOptions.WORK));

    private static final String ENTENTE = "entente";
    private static final String SEATA = "seata";

    private record Point(String system, int nodes, int branches, int concurrency) {
    }

    private final Options options;
    private final PrintStream out;
    private final Map<Point, Runs> runs = new LinkedHashMap<>();
    private final Map<Point, List<Double>> decisionsPerFlush = new LinkedHashMap<>();

    public CoordinatorBench(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public void run() throws Exception {
        List<String> systems = systems(options.text(SYSTEMS));
        List<Integer> nodeCounts = options.numbers(NODES);
        List<Integer> branchCounts = options.numbers(BRANCHES);
        List<Integer> concurrencies = options.numbers(CONCURRENCY);
        Duration warmup = options.seconds(WARMUP);
        Duration window = options.seconds(SECONDS);
        int runCount = options.number(LoadOptions.RUNS);
        Path work = LoadOptions.work(options);
        int maxBranches = branchCounts.stream().mapToInt(Integer::intValue).max().orElse(0);

        out.printf("coordinator alone: %s; nodes %s, no-op branches %s, clients %s; %d run(s) of %.1f s after %.1f s warm-up each%n",
                String.join(" and ", systems), nodeCounts, branchCounts, concurrencies, runCount, window.toMillis() / 1000.0,
                warmup.toMillis() / 1000.0);
        List<MeasuredCoordinator> coordinators = new ArrayList<>();
        try {
            for (String system : systems) {
                for (int nodes : nodeCounts) {
                    if (system.equals(ENTENTE)) {
                        EntenteCoordinator started = EntenteCoordinator.start(nodes, work, maxBranches);
                        coordinators.add(started);
                        out.printf("started %d Entente coordinator node(s) at %s%n", nodes, started.addresses());
                    } else {
                        SeataRaftCoordinator started = SeataRaftCoordinator.start(nodes, work);
                        coordinators.add(started);
                        out.printf("started %d Seata 2.0.0 coordinator node(s), raft, at %s%n", nodes, started.addresses());
                    }
                }
            }
            for (int run = 1; run <= runCount; run++) {
                for (MeasuredCoordinator coordinator : Comparison.rotated(coordinators, run)) {
                    for (int branches : branchCounts) {
                        if (!coordinator.runs(branches)) {
                            continue;
                        }
                        for (int concurrency : concurrencies) {
                            measure(run, coordinator, branches, concurrency, warmup, window);
                        }
                    }
                }
            }
        } finally {
            coordinators.forEach(MeasuredCoordinator::close);
        }
        report(nodeCounts.get(0), branchCounts.get(0));
    }

    private static List<String> systems(String names) {
        List<String> systems = new ArrayList<>();
        for (String name : names.split(",")) {
            String system = name.strip().toLowerCase();
            if (!system.equals(ENTENTE) && !system.equals(SEATA)) {
                throw new InvalidOption("--systems: expected entente, seata or both; got '" + name + "'");
            }
            systems.add(system);
        }
        return systems;
    }

    private void measure(int run, MeasuredCoordinator coordinator, int branches, int concurrency, Duration warmup, Duration window)
            throws Exception {
        MeasuredCoordinator.Point measured = coordinator.measure(branches, concurrency, warmup, window);
        Measurement measurement = measured.measurement();
        Point point = new Point(coordinator.system(), coordinator.nodes(), branches, concurrency);
        runs.computeIfAbsent(point, p -> new Runs()).add(measurement);
        decisionsPerFlush.computeIfAbsent(point, p -> new ArrayList<>()).add(measured.decisionsPerFlush());
        out.printf("run %d: %s, %d node(s), %d branches, %3d clients: %8.0f tx/s  p50 %7.2f ms  p99 %7.2f ms%s  %d errors%s  [load %s]%n",
                run, point.system(), point.nodes(), branches, concurrency, measurement.perSecond(), measurement.p50Micros() / 1000,
                measurement.p99Micros() / 1000, measured.detail(), measurement.errors(),
                measurement.firstError() == null ? "" : " (first: " + measurement.firstError() + ")", Environment.loadAverage());
    }

    private void report(int baselineNodes, int baselineBranches) {
        out.println();
        out.printf("medians over the runs; spread = slowest-fastest run; ratio = tx/s against the same system's %d node(s), "
                + "%d branches, same clients; vs Seata = Entente's tx/s over Seata raft's, same nodes and clients, no branches%n",
                baselineNodes, baselineBranches);
        Table table = new Table("system", "nodes", "branches", "clients", "tx/s", "spread", "p50 ms", "p99 ms", "decisions/flush", "ratio",
                "vs Seata", "errors");
        runs.forEach((point, measured) -> {
            Runs baseline = runs.get(new Point(point.system(), baselineNodes, baselineBranches, point.concurrency()));
            Runs seata = runs.get(new Point(SeataRaftCoordinator.SYSTEM, point.nodes(), 0, point.concurrency()));
            boolean versusSeata = point.system().equals(EntenteCoordinator.SYSTEM) && point.branches() == 0 && seata != null;
            table.row(point.system(), point.nodes(), point.branches(), point.concurrency(), Table.whole(measured.medianPerSecond()),
                    measured.spread(), String.format("%.2f", measured.medianP50Micros() / 1000),
                    String.format("%.2f", measured.medianP99Micros() / 1000), decimal(median(decisionsPerFlush.get(point))),
                    baseline == null ? "n/a" : Table.ratio(measured.medianPerSecond(), baseline.medianPerSecond()),
                    versusSeata ? Table.ratio(measured.medianPerSecond(), seata.medianPerSecond()) : "", measured.errors());
        });
        table.print(out);
    }

    private static String decimal(double value) {
        return Double.isNaN(value) ? "n/a" : String.format("%.1f", value);
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().filter(v -> !v.isNaN()).mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
    }
}
