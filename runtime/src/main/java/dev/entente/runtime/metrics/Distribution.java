package dev.entente.runtime.metrics;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;

/**
 * Values recorded one at a time (a duration in nanoseconds, a count per transaction) for a timer or a
 * distribution summary, passed on to the meter of each metrics library the application has. With none,
 * recording costs a look at an empty list.
 */
public final class Distribution {

    private final List<LongConsumer> meters = new CopyOnWriteArrayList<>();

    public void record(long value) {
        for (LongConsumer meter : meters) {
            meter.accept(value);
        }
    }

    /** Records the time since {@code startNanos} ({@link System#nanoTime()}). */
    public void recordSince(long startNanos) {
        if (!meters.isEmpty()) {
            record(System.nanoTime() - startNanos);
        }
    }

    /** A library's meter, which gets every value recorded from now on. */
    void attach(LongConsumer meter) {
        meters.add(meter);
    }
}
