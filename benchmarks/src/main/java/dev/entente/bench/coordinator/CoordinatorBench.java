package dev.entente.bench.coordinator;

import dev.entente.bench.ClosedLoop;
import dev.entente.bench.LoadOptions;
import dev.entente.bench.Measurement;
import dev.entente.bench.Options;
import dev.entente.bench.Runs;
import dev.entente.bench.Table;
import dev.entente.options.CommandOption;
import dev.entente.options.OptionTable;
import dev.entente.protocol.BranchReport;
import dev.entente.protocol.BranchVote;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.OutcomeReply;
import dev.entente.protocol.client.CoordinatorAddresses;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.protocol.client.XidMint;
import dev.entente.testkit.PrometheusText;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Row 1: the coordinator alone. Clients run global transactions of 0..n no-op branches (an XID
 * minted by the client, the branches' PREPARED votes riding the Commit, which does not wait for phase
 * 2, as the runtime does for its own branches) against one node and against a cluster, at each concurrency. The leader's
 * {@code /metrics} before and after each point give the group commit: decisions per Raft log flush.
 * Points are interleaved run by run, so every configuration meets the same background load.
 */
public final class CoordinatorBench {

    static final CommandOption NODES = new CommandOption("nodes", "N,...", "1,3", "cluster sizes: 1 is a --dev node, more a cluster");
    static final CommandOption BRANCHES = new CommandOption("branches", "N,...", "0,2", "no-op branches per transaction");
    static final CommandOption CONCURRENCY = new CommandOption("concurrency", "C,...", "1,4,16,64,256", "clients at once");
    static final CommandOption WARMUP = LoadOptions.WARMUP.withDefault("2");
    static final CommandOption SECONDS = LoadOptions.SECONDS.withDefault("5");

    /** Every point is a cluster size, a branch count and a concurrency. */
    public static final OptionTable OPTIONS = OptionTable.commandLineOnly(List.of(NODES, BRANCHES, CONCURRENCY, WARMUP, SECONDS,
            LoadOptions.RUNS, LoadOptions.WORK));

    private record Point(int nodes, int branches, int concurrency) {
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
        List<Integer> nodeCounts = options.numbers(NODES);
        List<Integer> branchCounts = options.numbers(BRANCHES);
        List<Integer> concurrencies = options.numbers(CONCURRENCY);
        Duration warmup = options.seconds(WARMUP);
        Duration window = options.seconds(SECONDS);
        int runCount = options.number(LoadOptions.RUNS);
        Path work = LoadOptions.work(options);
        int maxBranches = branchCounts.stream().mapToInt(Integer::intValue).max().orElse(0);

        out.printf("coordinator alone: nodes %s, no-op branches %s, clients %s; %d run(s) of %.1f s after %.1f s warm-up each%n",
                nodeCounts, branchCounts, concurrencies, runCount, window.toMillis() / 1000.0, warmup.toMillis() / 1000.0);
        List<Deployment> deployments = new ArrayList<>();
        List<CoordinatorClient> clients = new ArrayList<>();
        List<XidMint> mints = new ArrayList<>();
        List<NoOpResourceManagers> resourceManagers = new ArrayList<>();
        try {
            for (int nodes : nodeCounts) {
                Deployment deployment = Deployment.start(nodes, work);
                deployments.add(deployment);
                CoordinatorClient client = new CoordinatorClient(CoordinatorAddresses.parse("coordinator", deployment.addresses()),
                        Duration.ofSeconds(15), Duration.ofSeconds(10));
                clients.add(client);
                mints.add(XidMint.withOwnSession(client, "bench", "bench-tm", Duration.ofSeconds(15)));
                resourceManagers.add(new NoOpResourceManagers(client, maxBranches));
                out.printf("started %d coordinator node(s) at %s%n", nodes, deployment.addresses());
            }
            for (int run = 1; run <= runCount; run++) {
                for (int d = 0; d < deployments.size(); d++) {
                    for (int branches : branchCounts) {
                        for (int concurrency : concurrencies) {
                            Point point = new Point(deployments.get(d).nodes(), branches, concurrency);
                            measure(run, point, deployments.get(d), clients.get(d), mints.get(d), warmup, window);
                        }
                    }
                }
            }
        } finally {
            resourceManagers.forEach(NoOpResourceManagers::close);
            clients.forEach(CoordinatorClient::close);
            deployments.forEach(Deployment::close);
        }
        report(nodeCounts.get(0), branchCounts.get(0));
    }

    private void measure(int run, Point point, Deployment deployment, CoordinatorClient client, XidMint xids, Duration warmup,
                         Duration window) throws InterruptedException {
        String before = deployment.leaderMetrics();
        Measurement measurement = ClosedLoop.run(point.concurrency(), warmup, window, () -> transaction(client, xids, point.branches()));
        String after = deployment.leaderMetrics();
        long decisions = delta(before, after, "entente_transactions_committed_total")
                + delta(before, after, "entente_transactions_rolled_back_total");
        long flushes = delta(before, after, "entente_raft_log_flushes_total");
        double perFlush = flushes == 0 ? Double.NaN : (double) decisions / flushes;
        long calls = 0;
        for (String method : CALLS) {
            calls += delta(before, after, "entente_requests_total{method=\"" + method + "\"}");
        }
        double callsPerTransaction = decisions == 0 ? Double.NaN : (double) calls / decisions;
        runs.computeIfAbsent(point, p -> new Runs()).add(measurement);
        decisionsPerFlush.computeIfAbsent(point, p -> new ArrayList<>()).add(perFlush);
        out.printf("run %d: %d node(s), %d branches, %3d clients: %8.0f tx/s  p50 %7.2f ms  p99 %7.2f ms  %.1f decisions/flush  "
                        + "%.2f calls/tx  %d errors%s%n",
                run, point.nodes(), point.branches(), point.concurrency(), measurement.perSecond(),
                measurement.p50Micros() / 1000, measurement.p99Micros() / 1000, perFlush, callsPerTransaction, measurement.errors(),
                measurement.firstError() == null ? "" : " (first: " + measurement.firstError() + ")");
    }

    /** The client calls a transaction may make, as the leader counts them (entente_requests_total). */
    private static final List<String> CALLS = List.of("RegisterBranch", "ReportBranch", "Publish", "Commit", "Rollback", "Status");

    private static long delta(String before, String after, String metric) {
        return PrometheusText.value(after, metric) - PrometheusText.value(before, metric);
    }

    /**
     * One global transaction with {@code branches} no-op branches that vote PREPARED, as the owner's own
     * branches do: unregistered, their votes riding the Commit, its XID minted here (one coordinator call
     * in all).
     */
    static void transaction(CoordinatorClient client, XidMint xids, int branches) {
        String xid = xids.mint(0);
        List<BranchReport> votes = new ArrayList<>(branches);
        for (int i = 1; i <= branches; i++) {
            votes.add(BranchReport.newBuilder().setXid(xid).setBranchId(i).setVote(BranchVote.PREPARED)
                    .setResource(NoOpResourceManagers.resource(i)).setInstanceId(NoOpResourceManagers.instance(i)).build());
        }
        OutcomeReply reply = client.commit(xid, false, votes);
        if (reply.getOutcome() != Outcome.COMMITTED) {
            throw new IllegalStateException("transaction " + xid + " ended " + reply.getOutcome() + ": " + reply.getReason());
        }
    }

    private void report(int baselineNodes, int baselineBranches) {
        out.println();
        out.printf("medians over the runs; spread = slowest-fastest run; ratio = tx/s against %d node(s), %d branches, same clients%n",
                baselineNodes, baselineBranches);
        Table table = new Table("nodes", "branches", "clients", "tx/s", "spread", "p50 ms", "p99 ms", "decisions/flush", "ratio", "errors");
        runs.forEach((point, measured) -> {
            Runs baseline = runs.get(new Point(baselineNodes, baselineBranches, point.concurrency()));
            table.row(point.nodes(), point.branches(), point.concurrency(), Table.whole(measured.medianPerSecond()), measured.spread(),
                    String.format("%.2f", measured.medianP50Micros() / 1000), String.format("%.2f", measured.medianP99Micros() / 1000),
                    String.format("%.1f", median(decisionsPerFlush.get(point))),
                    baseline == null ? "n/a" : Table.ratio(measured.medianPerSecond(), baseline.medianPerSecond()), measured.errors());
        });
        table.print(out);
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().filter(v -> !v.isNaN()).mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
    }
}
