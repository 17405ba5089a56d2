package dev.entente.bench.agent;

import dev.entente.bench.Comparison;
import dev.entente.bench.LoadOptions;
import dev.entente.bench.Measurement;
import dev.entente.bench.Options;
import dev.entente.bench.Table;
import dev.entente.bench.WorkloadJvm;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.TestDatabases;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Row 4: what attaching the agent costs code that runs outside global transactions. The same JDBC
 * workload ({@link JdbcWorkload}) and the same small app ({@link SmallApp}) run in fresh JVMs with and
 * without {@code -javaagent}, alternately ({@link Comparison}), so both variants meet the same background load. The agent
 * is configured as in production: a coordinator (a real --dev node) and an app name.
 */
public final class AgentOverheadBench {

    public static final Set<String> OPTIONS = LoadOptions.names("starts");

    private enum Variant { WITHOUT_AGENT, WITH_AGENT }

    private final Options options;
    private final PrintStream out;

    public AgentOverheadBench(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public void run() throws Exception {
        LoadOptions load = LoadOptions.of(options, 4);
        int starts = options.number("starts", 10);
        String agentJar = WorkloadJvm.agentJar();
        String url = TestDatabases.postgres().createDatabase("entente_bench_overhead");
        out.printf("agent overhead: JDBC workload on %s, %s; %d start-ups per variant%n", TestDatabases.postgres(), load.describe(), starts);
        try (CoordinatorProcess coordinator = CoordinatorProcess.dev(load.work().resolve("coordinator")).start().awaitServing()) {
            String agent = "-javaagent:" + agentJar + "=coordinator=" + coordinator.clientAddress() + ",app=bench-overhead";
            Comparison<Variant> comparison = new Comparison<>(out, List.of(Variant.values()), AgentOverheadBench::label);
            comparison.run(load.runs(), variant -> workload(variant, agent, url, load));
            List<Long> startWithout = new ArrayList<>();
            List<Long> startWith = new ArrayList<>();
            for (int start = 1; start <= starts; start++) {
                for (Variant variant : Comparison.rotated(List.of(Variant.values()), start)) {
                    long millis = startUp(variant, agent);
                    (variant == Variant.WITH_AGENT ? startWith : startWithout).add(millis);
                    out.printf("start %d %-13s %5d ms%n", start, label(variant), millis);
                }
            }
            comparison.report("JDBC workload outside transactions");
            report(startWithout, startWith);
        }
    }

    private static String label(Variant variant) {
        return variant == Variant.WITH_AGENT ? "with agent" : "without agent";
    }

    private Measurement workload(Variant variant, String agent, String url, LoadOptions load) throws IOException, InterruptedException {
        return WorkloadJvm.measure("the JDBC workload (" + label(variant) + ")", options(variant, agent), JdbcWorkload.class,
                load.workloadTimeout(), load.workloadArguments(url));
    }

    private long startUp(Variant variant, String agent) throws IOException, InterruptedException {
        return WorkloadJvm.timeToExit("the small app (" + label(variant) + ")", options(variant, agent), SmallApp.class, SmallApp.STARTED);
    }

    private static List<String> options(Variant variant, String agent) {
        return variant == Variant.WITH_AGENT ? List.of(agent) : List.of();
    }

    private void report(List<Long> startWithout, List<Long> startWith) {
        out.println();
        out.println("JVM start-up of a small app (launch to exit): median and slowest-fastest over the start-ups");
        Table startUp = new Table("variant", "median ms", "spread ms", "added ms");
        startUp.row(label(Variant.WITHOUT_AGENT), median(startWithout), spread(startWithout), 0);
        startUp.row(label(Variant.WITH_AGENT), median(startWith), spread(startWith), median(startWith) - median(startWithout));
        startUp.print(out);
    }

    private static long median(List<Long> values) {
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return sorted.length == 0 ? 0 : sorted[sorted.length / 2];
    }

    private static String spread(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).min().orElse(0) + "-" + values.stream().mapToLong(Long::longValue).max().orElse(0);
    }
}
