package dev.entente.runtime.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * One of the runtime's meters, described once for every metrics library it is exported to: a name in
 * their dotted convention ({@code entente.tm.transactions.committed}), a description, an OpenTelemetry
 * unit ({@code {transaction}}), its tags, and either the value read when the library collects (counters,
 * gauges) or the {@link Distribution} its values are recorded in (timers, summaries).
 */
public record MeterDefinition(String name, String description, String unit, Kind kind, LongSupplier reading,
                              Map<String, String> tags, Distribution distribution) {

    public enum Kind {
        /** Only goes up while the process lives. */
        COUNTER,
        /** Goes up and down. */
        GAUGE,
        /** Durations, recorded in nanoseconds one at a time; exported in seconds. */
        TIMER,
        /** Amounts (branches of a transaction), recorded one at a time. */
        SUMMARY
    }

    public static MeterDefinition counter(String name, String description, String unit, LongSupplier reading) {
        return new MeterDefinition(name, description, unit, Kind.COUNTER, reading, Map.of(), null);
    }

    public static MeterDefinition gauge(String name, String description, String unit, LongSupplier reading) {
        return new MeterDefinition(name, description, unit, Kind.GAUGE, reading, Map.of(), null);
    }

    public static MeterDefinition timer(String name, String description, Distribution durations) {
        return new MeterDefinition(name, description, "s", Kind.TIMER, null, Map.of(), durations);
    }

    public static MeterDefinition summary(String name, String description, String unit, Distribution amounts) {
        return new MeterDefinition(name, description, unit, Kind.SUMMARY, null, Map.of(), amounts);
    }

    /** This meter with tag {@code key}={@code value} too (one of several meters of one name). */
    public MeterDefinition tagged(String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(tags);
        more.put(key, value);
        return new MeterDefinition(name, description, unit, kind, reading, Map.copyOf(more), distribution);
    }

    /** Whether its values are recorded one at a time (a timer, a summary) rather than read when collected. */
    public boolean recorded() {
        return distribution != null;
    }

    /** The value now, as the libraries' callbacks take it. */
    public double read() {
        return reading.getAsLong();
    }

    /** The tags as Micrometer's {@code tags(String...)} takes them: key, value, key, value ... */
    String[] tagPairs() {
        return tags.entrySet().stream().flatMap(tag -> java.util.stream.Stream.of(tag.getKey(), tag.getValue()))
                .toArray(String[]::new);
    }
}
