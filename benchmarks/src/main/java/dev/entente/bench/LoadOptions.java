package dev.entente.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The options every closed-loop driver takes: {@code --clients}, {@code --warmup}, {@code --seconds},
 * {@code --runs} and {@code --work} (a directory for the processes' data and logs; a fresh temporary one
 * by default).
 */
public record LoadOptions(int clients, Duration warmup, Duration window, int runs, Path work) {

    private static final List<String> NAMES = List.of("clients", "warmup", "seconds", "runs", "work");

    /** These options' names and a driver's own {@code more}. */
    public static Set<String> names(String... more) {
        Set<String> names = new HashSet<>(NAMES);
        names.addAll(List.of(more));
        return Set.copyOf(names);
    }

    /** Defaults: 5 s warm-up, 10 s measured, 3 runs. */
    public static LoadOptions of(Options options, int defaultClients) throws IOException {
        return new LoadOptions(options.number("clients", defaultClients), options.seconds("warmup", 5), options.seconds("seconds", 10),
                options.number("runs", 3),
                Files.createDirectories(Path.of(options.text("work", Files.createTempDirectory("entente-bench-").toString()))));
    }

    /** "8 clients, 3 run(s) of 10.0 s after 5.0 s warm-up per variant". */
    public String describe() {
        return String.format("%d clients, %d run(s) of %.1f s after %.1f s warm-up per variant", clients, runs,
                window.toMillis() / 1000.0, warmup.toMillis() / 1000.0);
    }

    /** How long a workload JVM may take for one run: its warm-up and window, and two minutes to start and stop. */
    public Duration workloadTimeout() {
        return warmup.plus(window).plusSeconds(120);
    }

    /** A workload's arguments: its own {@code first}, then clients, warm-up seconds and measured seconds. */
    public String[] workloadArguments(String... first) {
        List<String> arguments = new ArrayList<>(List.of(first));
        arguments.addAll(List.of(String.valueOf(clients), WorkloadJvm.seconds(warmup), WorkloadJvm.seconds(window)));
        return arguments.toArray(String[]::new);
    }
}
