package dev.entente.bench.coordinator;

import dev.entente.bench.LoadOptions;
import dev.entente.bench.Options;
import dev.entente.bench.Table;
import dev.entente.options.CommandOption;
import dev.entente.options.OptionTable;
import dev.entente.protocol.BranchVote;
import dev.entente.protocol.client.CoordinatorAddresses;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.protocol.client.XidMint;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.PrometheusText;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Row 7, second half: what a transaction in flight costs the coordinator's memory. On a fresh --dev
 * node per run, transactions are begun with their no-op branches registered and voted PREPARED, and
 * left undecided (timeout: one hour); after each step the node's heap after a full collection is
 * read ({@link NodeHeap}), and its growth over the idle node divided by the transactions in flight is
 * what one costs. The node's own gauge {@code entente_transactions_in_flight} confirms the count.
 */
public final class CoordinatorMemoryBench {

    static final CommandOption TRANSACTIONS = new CommandOption("transactions", "N,...", "1000,5000,20000",
            "transactions left in flight, a step each");
    static final CommandOption BRANCHES = new CommandOption("branches", "N", "2", "branches registered per transaction");
    static final CommandOption CLIENTS = new CommandOption("clients", "N", "16", "clients beginning the transactions at once");

    public static final OptionTable OPTIONS = OptionTable.commandLineOnly(List.of(TRANSACTIONS, BRANCHES, CLIENTS, LoadOptions.RUNS,
            LoadOptions.WORK));
    private static final long ONE_HOUR_MILLIS = 3_600_000;

    private final Options options;
    private final PrintStream out;
    private final Map<Integer, List<Long>> heapByStep = new LinkedHashMap<>();
    private final List<Long> idleHeaps = new ArrayList<>();

    public CoordinatorMemoryBench(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public void run() throws Exception {
        List<Integer> steps = options.numbers(TRANSACTIONS);
        int branches = options.number(BRANCHES);
        int clients = options.number(CLIENTS);
        int runCount = options.number(LoadOptions.RUNS);
        Path work = LoadOptions.work(options);
        out.printf("coordinator memory: transactions left in flight (begun, %d no-op branches each registered and PREPARED, "
                + "not decided) on one --dev node (-Xmx256m), steps %s, opened by %d clients, %d run(s)%n", branches, steps, clients, runCount);
        for (int run = 1; run <= runCount; run++) {
            measureRun(run, work.resolve("run-" + run), steps, branches, clients);
        }
        report();
    }

    private void measureRun(int run, Path work, List<Integer> steps, int branches, int clients) throws Exception {
        try (CoordinatorProcess node = CoordinatorProcess.dev(work).start().awaitServing();
             CoordinatorClient client = new CoordinatorClient(CoordinatorAddresses.parse("coordinator", node.clientAddress()),
                     Duration.ofSeconds(15), Duration.ofSeconds(10));
             NoOpResourceManagers resourceManagers = new NoOpResourceManagers(client, branches)) {
            XidMint xids = XidMint.withOwnSession(client, "bench", "bench-tm", Duration.ofSeconds(15));
            long idle = NodeHeap.usedAfterFullGc(node.pid());
            idleHeaps.add(idle);
            out.printf("run %d: idle node: heap after GC %.1f MiB%n", run, idle / 1048576.0);
            int open = 0;
            for (int step : steps) {
                long started = System.nanoTime();
                leaveInFlight(client, xids, step - open, branches, clients);
                open = step;
                long inFlight = PrometheusText.value(node.admin("/metrics"), "entente_transactions_in_flight");
                long heap = NodeHeap.usedAfterFullGc(node.pid());
                heapByStep.computeIfAbsent(step, s -> new ArrayList<>()).add(heap);
                out.printf("run %d: %6d in flight (node's gauge: %d): heap after GC %7.1f MiB, %6.0f bytes per transaction "
                                + "(opened in %.1f s)%n", run, step, inFlight, heap / 1048576.0, (heap - idle) / (double) step,
                        (System.nanoTime() - started) / 1e9);
            }
        }
    }

    /** Begins {@code count} transactions from {@code clients} threads, registers and prepares their branches, and decides none. */
    private static void leaveInFlight(CoordinatorClient client, XidMint xids, int count, int branches, int clients) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> started = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                started.add(pool.submit(() -> {
                    String xid = xids.mint(ONE_HOUR_MILLIS);
                    for (int b = 1; b <= branches; b++) {
                        client.registerBranch(xid, b, NoOpResourceManagers.resource(b), NoOpResourceManagers.instance(b));
                        client.reportBranch(xid, b, BranchVote.PREPARED, "");
                    }
                }));
            }
            for (Future<?> each : started) {
                each.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void report() {
        long idle = median(idleHeaps);
        out.println();
        out.printf("medians over the runs; growth = heap after GC minus the idle node's (median %.1f MiB); spread = lowest-highest run%n",
                idle / 1048576.0);
        Table table = new Table("in flight", "heap after GC MiB", "spread MiB", "growth MiB", "bytes per transaction", "ratio to idle heap");
        heapByStep.forEach((step, heaps) -> {
            long heap = median(heaps);
            table.row(step, String.format("%.1f", heap / 1048576.0), String.format("%.1f-%.1f",
                            heaps.stream().mapToLong(Long::longValue).min().orElse(0) / 1048576.0,
                            heaps.stream().mapToLong(Long::longValue).max().orElse(0) / 1048576.0),
                    String.format("%.1f", (heap - idle) / 1048576.0), Table.whole((heap - idle) / (double) step), Table.ratio(heap, idle));
        });
        table.print(out);
    }

    private static long median(List<Long> values) {
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return sorted.length == 0 ? 0 : sorted[sorted.length / 2];
    }
}
