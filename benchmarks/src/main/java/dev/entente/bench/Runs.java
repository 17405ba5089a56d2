package dev.entente.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** The measurements of one point over several runs: medians, and the spread of the throughput. */
public final class Runs {

    private final List<Measurement> measurements = new ArrayList<>();

    public void add(Measurement measurement) {
        measurements.add(measurement);
    }

    public int count() {
        return measurements.size();
    }

    public double medianPerSecond() {
        return median(Measurement::perSecond);
    }

    public double minPerSecond() {
        return measurements.stream().mapToDouble(Measurement::perSecond).min().orElse(Double.NaN);
    }

    public double maxPerSecond() {
        return measurements.stream().mapToDouble(Measurement::perSecond).max().orElse(Double.NaN);
    }

    public double medianP50Micros() {
        return median(Measurement::p50Micros);
    }

    public double medianP99Micros() {
        return median(Measurement::p99Micros);
    }

    public long errors() {
        return measurements.stream().mapToLong(Measurement::errors).sum();
    }

    public String firstError() {
        return measurements.stream().map(Measurement::firstError).filter(e -> e != null).findFirst().orElse("");
    }

    /** "min-max" of the throughput over the runs. */
    public String spread() {
        return String.format("%.0f-%.0f", minPerSecond(), maxPerSecond());
    }

    private double median(ToDoubleFunction<Measurement> figure) {
        double[] values = measurements.stream().mapToDouble(figure).sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        return values.length % 2 == 1 ? values[values.length / 2] : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    }
}
