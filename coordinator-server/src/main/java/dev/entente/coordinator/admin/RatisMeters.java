package dev.entente.coordinator.admin;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.metrics.MetricRegistries;
import org.apache.ratis.metrics.MetricRegistryInfo;
import org.apache.ratis.metrics.RatisMetricRegistry;
import org.apache.ratis.metrics.impl.RatisMetricRegistryImpl;
import org.apache.ratis.thirdparty.com.codahale.metrics.Counter;
import org.apache.ratis.thirdparty.com.codahale.metrics.Counting;
import org.apache.ratis.thirdparty.com.codahale.metrics.Metered;
import org.apache.ratis.thirdparty.com.codahale.metrics.Metric;
import org.apache.ratis.thirdparty.com.codahale.metrics.MetricRegistry;
import org.apache.ratis.thirdparty.com.codahale.metrics.Sampling;
import org.apache.ratis.thirdparty.com.codahale.metrics.Timer;

/**
 * Ratis' own metrics (elections, log flushes and syncs, appends, the state machine's apply), which it
 * keeps in its process-wide {@link MetricRegistries} (module ratis-metrics-default), exposed in the
 * coordinator's Micrometer registry. A Ratis metric {@code <application>.<component>.<member>.<name>}
 * becomes the meter {@code <application>.<component>.<name>} tagged {@code member="<member>"} (the
 * Raft group member, {@code n1@group-...}), so its Prometheus name stays the same on every node:
 * {@code ratis_log_worker_flushCount_total{member="n1@group-..."}}.
 *
 * <ul>
 *   <li>a counter is a counter ({@code _total});</li>
 *   <li>a gauge is a gauge (NaN while its value is not a number);</li>
 *   <li>a timer is a counter of the timed events ({@code <name>_count_total}) and its recent quantiles as a
 *       gauge ({@code <name>_seconds{percentile="0.5|0.95|0.99"}}, from Ratis' decaying sample);</li>
 *   <li>a histogram likewise, without unit; a meter is its count.</li>
 * </ul>
 *
 * Ratis creates and drops its metrics as members start, lead and stop, so they are matched again at every
 * scrape ({@link #refresh}): new ones gain meters, dropped ones lose them.
 */
final class RatisMeters {

    private static final double[] PERCENTILES = {0.5, 0.95, 0.99};

    /** The meters standing for one Ratis metric object (a metric Ratis replaced under its name gets new ones). */
    private record Bridged(Metric metric, List<Meter> meters) {
    }

    private final MeterRegistry registry;
    /** By Ratis' full metric name. */
    private final Map<String, Bridged> bridged = new HashMap<>();

    RatisMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Matches the meters to the metrics Ratis has now. */
    synchronized void refresh() {
        Set<String> present = new HashSet<>();
        for (RatisMetricRegistry ratis : MetricRegistries.global().getMetricRegistries()) {
            if (!(ratis instanceof RatisMetricRegistryImpl dropwizard)) {
                continue;
            }
            MetricRegistryInfo info = ratis.getMetricRegistryInfo();
            String prefix = MetricRegistry.name(info.getApplicationName(), info.getMetricsComponentName(), info.getPrefix()) + ".";
            String meterPrefix = MetricRegistry.name(info.getApplicationName(), info.getMetricsComponentName()) + ".";
            Tags member = Tags.of("member", info.getPrefix() == null ? "" : info.getPrefix());
            dropwizard.getDropWizardMetricRegistry().getMetrics().forEach((fullName, metric) -> {
                present.add(fullName);
                Bridged known = bridged.get(fullName);
                if (known != null && known.metric() == metric) {
                    return;
                }
                if (known != null) {
                    known.meters().forEach(registry::remove);
                }
                String name = meterPrefix + (fullName.startsWith(prefix) ? fullName.substring(prefix.length()) : fullName);
                bridged.put(fullName, new Bridged(metric, meters(name, member, metric)));
            });
        }
        bridged.entrySet().removeIf(entry -> {
            if (present.contains(entry.getKey())) {
                return false;
            }
            entry.getValue().meters().forEach(registry::remove);
            return true;
        });
    }

    /** The meters for {@code metric}; each holds it weakly, as Ratis holds it strongly until it drops it. */
    private List<Meter> meters(String name, Tags member, Metric metric) {
        List<Meter> meters = new ArrayList<>();
        String help = "Ratis' " + name;
        if (metric instanceof Counter counter) {
            meters.add(FunctionCounter.builder(name, counter, Counter::getCount).description(help).tags(member).register(registry));
        } else if (metric instanceof org.apache.ratis.thirdparty.com.codahale.metrics.Gauge<?> gauge) {
            meters.add(Gauge.builder(name, gauge, RatisMeters::number).description(help).tags(member).register(registry));
        } else if (metric instanceof Counting counting && (metric instanceof Sampling || metric instanceof Metered)) {
            meters.add(FunctionCounter.builder(name + ".count", counting, Counting::getCount).description(help + ", events")
                    .tags(member).register(registry));
            if (metric instanceof Sampling sampling) {
                for (double percentile : PERCENTILES) {
                    Tags tags = member.and("percentile", String.valueOf(percentile));
                    meters.add(metric instanceof Timer
                            ? TimeGauge.builder(name, sampling, TimeUnit.NANOSECONDS, s -> s.getSnapshot().getValue(percentile))
                                    .description(help + ", recent quantile").tags(tags).register(registry)
                            : Gauge.builder(name, sampling, s -> s.getSnapshot().getValue(percentile))
                                    .description(help + ", recent quantile").tags(tags).register(registry));
                }
            }
        }
        return meters;
    }

    private static double number(org.apache.ratis.thirdparty.com.codahale.metrics.Gauge<?> gauge) {
        return gauge.getValue() instanceof Number number ? number.doubleValue() : Double.NaN;
    }
}
