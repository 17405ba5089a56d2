package dev.entente.runtime.metrics;

import java.util.function.LongSupplier;

/**
 * One of the runtime's meters, described once for every metrics library it is exported to: a name in
 * their dotted convention ({@code entente.tm.transactions.committed}), a description, an OpenTelemetry
 * unit ({@code {transaction}}), and the value read when the library collects.
 */
public record MeterDefinition(String name, String description, String unit, Kind kind, LongSupplier reading) {

    public enum Kind {
        /** Only goes up while the process lives. */
        COUNTER,
        /** Goes up and down. */
        GAUGE
    }

    public static MeterDefinition counter(String name, String description, String unit, LongSupplier reading) {
        return new MeterDefinition(name, description, unit, Kind.COUNTER, reading);
    }

    public static MeterDefinition gauge(String name, String description, String unit, LongSupplier reading) {
        return new MeterDefinition(name, description, unit, Kind.GAUGE, reading);
    }

    /** The value now, as the libraries' callbacks take it. */
    public double read() {
        return reading.getAsLong();
    }
}
