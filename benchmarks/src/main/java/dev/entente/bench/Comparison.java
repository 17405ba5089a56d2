package dev.entente.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Variants of one workload measured in turn, run after run, against the first of them (the baseline).
 * The order rotates run by run, so no variant always goes first and all meet the same background load.
 * Each run is printed as it ends; {@link #report} prints the medians as a table with each variant's
 * ratio to the baseline.
 *
 * @param <V> what tells the variants apart (an enum, usually)
 */
public final class Comparison<V> {

    /** Measures one variant once. */
    @FunctionalInterface
    public interface Measurer<V> {
        Measurement measure(V variant) throws Exception;
    }

    private final PrintStream out;
    private final List<V> variants;
    private final Function<V, String> label;
    private final Map<V, Runs> runs = new LinkedHashMap<>();
    private final int labelWidth;

    public Comparison(PrintStream out, List<V> variants, Function<V, String> label) {
        if (variants.isEmpty()) {
            throw new IllegalArgumentException("a comparison needs at least one variant");
        }
        this.out = out;
        this.variants = List.copyOf(variants);
        this.label = label;
        this.labelWidth = variants.stream().mapToInt(v -> label.apply(v).length()).max().orElse(1);
        variants.forEach(v -> runs.put(v, new Runs()));
    }

    /** {@code variants} in the order of run {@code run} (from 1): rotated one step per run. */
    public static <V> List<V> rotated(List<V> variants, int run) {
        List<V> order = new ArrayList<>(variants);
        Collections.rotate(order, -(run - 1));
        return order;
    }

    /** Measures every variant {@code runCount} times, printing each run as it ends. */
    public void run(int runCount, Measurer<V> measurer) throws Exception {
        for (int run = 1; run <= runCount; run++) {
            for (V variant : rotated(variants, run)) {
                Measurement measured = measurer.measure(variant);
                runs.get(variant).add(measured);
                out.printf("run %d %-" + labelWidth + "s %8.0f ops/s  p50 %7.2f ms  p99 %7.2f ms  %d errors%s  [load %s]%n", run,
                        label.apply(variant), measured.perSecond(), measured.p50Micros() / 1000, measured.p99Micros() / 1000,
                        measured.errors(), measured.firstError() == null ? "" : " (first: " + measured.firstError() + ")",
                        Environment.loadAverage());
            }
        }
    }

    public Runs runs(V variant) {
        return runs.get(variant);
    }

    /** The table of medians, after a line saying what was measured ({@code what}). */
    public void report(String what) {
        V baseline = variants.get(0);
        Runs base = runs.get(baseline);
        out.println();
        out.println(what + ": medians over the runs; spread = slowest-fastest run; ratios against " + label.apply(baseline));
        Table table = new Table("variant", "ops/s", "spread", "p50 ms", "p99 ms", "ops/s ratio", "p50 ratio", "errors");
        runs.forEach((variant, measured) -> table.row(label.apply(variant), Table.whole(measured.medianPerSecond()), measured.spread(),
                String.format("%.2f", measured.medianP50Micros() / 1000), String.format("%.2f", measured.medianP99Micros() / 1000),
                Table.ratio(measured.medianPerSecond(), base.medianPerSecond()),
                Table.ratio(measured.medianP50Micros(), base.medianP50Micros()), measured.errors()));
        table.print(out);
    }
}
