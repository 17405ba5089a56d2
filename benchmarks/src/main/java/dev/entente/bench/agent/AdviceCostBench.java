package dev.entente.bench.agent;

import dev.entente.bench.Options;
import dev.entente.bench.Table;
import dev.entente.bench.WorkloadJvm;
import dev.entente.options.CommandOption;
import dev.entente.options.InvalidOption;
import dev.entente.options.OptionTable;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Row 4, item 3 of issue 19: {@link AdviceCostBenchmark} under JMH, in a fork without the agent and in
 * one with it (and with an older agent jar, {@code --baseline-agent}), one after the other; the agent's
 * cost per call is the difference. The agent has no coordinator here: no transaction can begin, which is
 * the case measured. Each fork prints the load average when it ends.
 */
public final class AdviceCostBench {

    static final CommandOption FORKS = new CommandOption("forks", "N", "1", "JMH forks per variant");

    public static final OptionTable OPTIONS = OptionTable.commandLineOnly(List.of(AgentOverheadBench.BASELINE_AGENT, FORKS));

    private final Options options;
    private final PrintStream out;

    public AdviceCostBench(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public void run() throws Exception {
        Map<String, List<String>> variants = new LinkedHashMap<>();
        variants.put("without agent", List.of());
        variants.put("with agent", List.of("-javaagent:" + WorkloadJvm.agentJar() + "=app=advice-cost"));
        String baseline = options.text(AgentOverheadBench.BASELINE_AGENT);
        if (!baseline.isEmpty()) {
            if (!Files.isRegularFile(Path.of(baseline))) {
                throw new InvalidOption("--baseline-agent: " + baseline + " is not a file");
            }
            variants.put("with agent (baseline jar)", List.of("-javaagent:" + baseline + "=app=advice-cost"));
        }
        int forks = options.number(FORKS);
        Map<String, Map<String, Double>> nanos = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> variant : variants.entrySet()) {
            List<String> jvm = new ArrayList<>(List.of("-Xmx256m"));
            jvm.addAll(variant.getValue());
            Collection<RunResult> results = new Runner(new OptionsBuilder()
                    .include(AdviceCostBenchmark.class.getName() + "\\.")
                    .forks(forks).warmupIterations(3).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(1))
                    .jvmArgsAppend(jvm.toArray(String[]::new)).build()).run();
            Map<String, Double> byCall = new LinkedHashMap<>();
            for (RunResult result : results) {
                String call = result.getParams().getBenchmark().replaceAll(".*\\.", "");
                byCall.put(call, result.getPrimaryResult().getScore());
            }
            nanos.put(variant.getKey(), byCall);
            out.printf("advice-cost %s: %s ns/op; load %s%n", variant.getKey(), byCall, StartUp.currentLoadAverage());
        }
        out.println();
        out.println("ns per call (JMH average time); added = with the agent less without");
        Table table = new Table("variant", "prepareStatement", "commit", "close", "added (prepareStatement, commit, close)");
        Map<String, Double> none = nanos.get("without agent");
        nanos.forEach((variant, byCall) -> table.row(variant, format(byCall.get("prepareStatement")), format(byCall.get("commit")),
                format(byCall.get("close")), String.format("%s, %s, %s", format(byCall.get("prepareStatement") - none.get("prepareStatement")),
                        format(byCall.get("commit") - none.get("commit")), format(byCall.get("close") - none.get("close")))));
        table.print(out);
    }

    private static String format(double nanos) {
        return String.format("%.1f", nanos);
    }
}
