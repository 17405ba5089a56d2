package dev.entente.bench;

import java.time.Duration;

/** How a driver passes seconds to the workload JVM it starts, and how the workload reads them back. */
public final class WorkloadArguments {

    private WorkloadArguments() {
    }

    /** Seconds as a workload's argument. */
    public static String seconds(Duration duration) {
        return String.valueOf(duration.toMillis() / 1000.0);
    }

    /** Seconds from a workload's argument. */
    public static Duration seconds(String argument) {
        return Duration.ofMillis(Math.round(Double.parseDouble(argument) * 1000));
    }
}
