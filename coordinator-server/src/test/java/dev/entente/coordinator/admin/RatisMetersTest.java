package dev.entente.coordinator.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.metrics.LongCounter;
import org.apache.ratis.metrics.MetricRegistries;
import org.apache.ratis.metrics.MetricRegistryInfo;
import org.apache.ratis.metrics.RatisMetricRegistry;
import org.apache.ratis.metrics.Timekeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bridge from Ratis' metric registries, in-process: Ratis' own registry implementation
 * (ratis-metrics-default) with metrics made here, as a Raft member makes and drops them.
 */
class RatisMetersTest {

    private static final MetricRegistryInfo MEMBER = new MetricRegistryInfo("m1@group-TEST", "ratis", "test_component", "a test");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RatisMeters meters = new RatisMeters(registry);

    @AfterEach
    void dropTheRegistry() {
        MetricRegistries.global().remove(MEMBER);
    }

    @Test
    void aCounterAGaugeAndATimerGetMetersNamedWithoutTheMemberWhichIsALabel() {
        RatisMetricRegistry ratis = MetricRegistries.global().create(MEMBER);
        LongCounter appends = ratis.counter("appendCount");
        AtomicLong queued = new AtomicLong(7);
        ratis.gauge("queueSize", () -> queued::get);
        Timekeeper flushes = ratis.timer("flushTime");
        appends.inc(3);
        flushes.time().stop();

        meters.refresh();

        assertThat(registry.get("ratis.test_component.appendCount").tag("member", "m1@group-TEST").functionCounter().count())
                .isEqualTo(3);
        Gauge queueSize = registry.get("ratis.test_component.queueSize").tag("member", "m1@group-TEST").gauge();
        assertThat(queueSize.value()).isEqualTo(7);
        queued.set(2);
        assertThat(queueSize.value()).as("read when collected").isEqualTo(2);
        assertThat(registry.get("ratis.test_component.flushTime.count").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get("ratis.test_component.flushTime").tag("percentile", "0.99").timeGauge().value(TimeUnit.SECONDS))
                .isNotNegative();
        assertThat(registry.find("ratis.test_component.flushTime").timeGauges()).hasSize(3);
    }

    @Test
    void aMetricRatisDropsLosesItsMeterAndOneItAddsLaterGainsOne() {
        RatisMetricRegistry ratis = MetricRegistries.global().create(MEMBER);
        ratis.counter("electionCount").inc();
        meters.refresh();
        assertThat(registry.find("ratis.test_component.electionCount").functionCounters()).hasSize(1);

        ratis.remove("electionCount");
        ratis.counter("leaderCount").inc(2);
        meters.refresh();

        assertThat(registry.find("ratis.test_component.electionCount").functionCounters()).isEmpty();
        FunctionCounter leaders = registry.get("ratis.test_component.leaderCount").functionCounter();
        assertThat(leaders.count()).isEqualTo(2);

        MetricRegistries.global().remove(MEMBER);
        meters.refresh();
        assertThat(registry.find("ratis.test_component.leaderCount").functionCounters()).isEmpty();
    }

    @Test
    void aMetricRatisReplacesUnderTheSameNameIsReadFromTheNewOne() {
        RatisMetricRegistry ratis = MetricRegistries.global().create(MEMBER);
        ratis.counter("appendCount").inc(5);
        meters.refresh();

        ratis.remove("appendCount");
        ratis.counter("appendCount").inc();
        meters.refresh();

        assertThat(registry.get("ratis.test_component.appendCount").functionCounter().count()).isEqualTo(1);
    }
}
