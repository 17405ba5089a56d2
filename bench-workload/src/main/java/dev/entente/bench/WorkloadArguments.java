package dev.entente.bench;

import java.time.Duration;
import java.util.List;

/**
 * The closed loop a workload JVM runs, as the driver that starts it passes it: the last three arguments
 * of the workload's command line are the clients, the warm-up seconds and the measured seconds.
 */
public record WorkloadArguments(int clients, Duration warmup, Duration window) {

    /** The loop in {@code args[first]}, {@code args[first + 1]} and {@code args[first + 2]}. */
    public static WorkloadArguments readFrom(String[] args, int first) {
        return new WorkloadArguments(Integer.parseInt(args[first]), seconds(args[first + 1]), seconds(args[first + 2]));
    }

    /** The three arguments {@link #readFrom} reads. */
    public List<String> toArguments() {
        return List.of(String.valueOf(clients), seconds(warmup), seconds(window));
    }

    /** Runs {@code operation} in this loop ({@link ClosedLoop}). */
    public Measurement run(ClosedLoop.Operation operation) throws InterruptedException {
        return ClosedLoop.run(clients, warmup, window, operation);
    }

    private static String seconds(Duration duration) {
        return String.valueOf(duration.toMillis() / 1000.0);
    }

    private static Duration seconds(String argument) {
        return Duration.ofMillis(Math.round(Double.parseDouble(argument) * 1000));
    }
}
