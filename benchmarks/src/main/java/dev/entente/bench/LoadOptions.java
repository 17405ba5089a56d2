package dev.entente.bench;

import dev.entente.options.CommandOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The options every closed-loop driver takes: {@code --clients}, {@code --warmup}, {@code --seconds},
 * {@code --runs} and {@code --work} (a directory for the processes' data and logs; a fresh temporary one
 * by default).
 */
public record LoadOptions(int clients, Duration warmup, Duration window, int runs, Path work) {

    // 30 s by default: on two busy cores the JIT compilers of the coordinator and of an agent's JVM still
    // used a third of the CPU 20 s into a run, and Entente's figures after a 5 s warm-up were a third of
    // those after 40 s (docs/benchmarks.md, "Warm-up")

    public static final CommandOption CLIENTS = new CommandOption("clients", "N", "8", "clients sending operations at once (closed loop)");
    public static final CommandOption WARMUP = new CommandOption("warmup", "S", "30",
            "seconds of warm-up per run, not measured");
    public static final CommandOption SECONDS = new CommandOption("seconds", "S", "10", "seconds measured per run");
    public static final CommandOption RUNS = new CommandOption("runs", "N", "3", "runs per variant");
    public static final CommandOption WORK = new CommandOption("work", "DIR", "a new temporary directory",
            "where the processes' data and logs go");

    /** These options, {@code clients} (the driver's {@link #CLIENTS}, with its default) first, then a driver's {@code more}. */
    public static List<CommandOption> options(CommandOption clients, CommandOption... more) {
        List<CommandOption> options = new ArrayList<>(List.of(clients, WARMUP, SECONDS, RUNS, WORK));
        options.addAll(List.of(more));
        return List.copyOf(options);
    }

    /** The values given, or the defaults: 30 s warm-up, 10 s measured, 3 runs; {@code clients} is the driver's. */
    public static LoadOptions of(Options options, CommandOption clients) throws IOException {
        return new LoadOptions(options.number(clients), options.seconds(WARMUP), options.seconds(SECONDS), options.number(RUNS),
                work(options));
    }

    /** The {@code --work} directory, made if missing, or a new temporary one. */
    public static Path work(Options options) throws IOException {
        return options.isGiven(WORK) ? Files.createDirectories(Path.of(options.text(WORK))) : Files.createTempDirectory("entente-bench-");
    }

    /** "8 clients, 3 run(s) of 10.0 s after 30.0 s warm-up per variant". */
    public String describe() {
        return String.format("%d clients, %d run(s) of %.1f s after %.1f s warm-up per variant", clients, runs,
                window.toMillis() / 1000.0, warmup.toMillis() / 1000.0);
    }

    /** How long a workload JVM may take for one run: its warm-up and window, and two minutes to start and stop. */
    public Duration workloadTimeout() {
        return workloadTimeout(warmup, window);
    }

    /** How long a workload JVM may take for a run of {@code warmup} and {@code window}: two minutes more, to start and stop. */
    public static Duration workloadTimeout(Duration warmup, Duration window) {
        return warmup.plus(window).plusSeconds(120);
    }

    /** A workload's arguments: its own {@code first}, then clients, warm-up seconds and measured seconds. */
    public String[] workloadArguments(String... first) {
        List<String> arguments = new ArrayList<>(List.of(first));
        arguments.addAll(new WorkloadArguments(clients, warmup, window).toArguments());
        return arguments.toArray(String[]::new);
    }
}
