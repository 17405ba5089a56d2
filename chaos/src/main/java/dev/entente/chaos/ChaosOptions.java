package dev.entente.chaos;

import dev.entente.options.CommandOption;
import dev.entente.options.GivenOptions;
import dev.entente.options.InvalidOption;
import dev.entente.options.OptionTable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The options of {@code bin/entente chaos}, declared once in {@link #TABLE} (flags, {@code ENTENTE_CHAOS_*}
 * variables, the {@code --config} file); the usage text and the table in docs/reliability.md come from it.
 * A bad option stops the suite with a message naming the option and where it was given.
 */
record ChaosOptions(int runs, long seed, Duration duration, int concurrency, PlantedBug plantedBug, Path work) {

    static final CommandOption RUNS = new CommandOption("runs", "N", "1", "runs, each on a fresh cluster and bank");
    static final CommandOption SEED = new CommandOption("seed", "S", "the clock",
            "seed of the first run (run i uses S + i - 1): a seed draws the same fault schedule every time");
    static final CommandOption DURATION = new CommandOption("duration", "D", "60s",
            "workload time per run: 90s, 2m or seconds; at least 10s");
    static final CommandOption CONCURRENCY = new CommandOption("concurrency", "C", "4", "clients sending transfers at once");
    static final CommandOption PLANTED_BUG = new CommandOption("planted-bug", "BUG", "",
            "turn a deliberate bug on, so the checker must report violations: commit-without-asking (the account services' "
                    + "branches commit without asking the coordinator) or publish-twice (the coordinator sends every message "
                    + "of a committed transaction twice)");
    static final CommandOption WORK = new CommandOption("work", "DIR", "a new temporary directory",
            "where the logs of every process go, per run");

    /** Every option of {@code entente chaos}. */
    static final OptionTable TABLE = new OptionTable("ENTENTE_CHAOS_",
            List.of(RUNS, SEED, DURATION, CONCURRENCY, PLANTED_BUG, WORK), OptionTable.Feature.CONFIG_FILE);

    static final String USAGE = """
            usage: entente chaos [--runs N] [--seed S] [--duration D] [--concurrency C] [--planted-bug BUG] [--work DIR]
            options (each also as the environment variable in brackets, and as NAME=value in the --config file;
            a flag beats the environment, which beats the file, which beats the default):
            """ + TABLE.usage();

    /** Parses a command line alone. */
    static ChaosOptions parse(String... args) throws IOException {
        return parse(args, Map.of());
    }

    /** Parses a command line, then the {@code ENTENTE_CHAOS_*} variables of {@code environment}, then the config file. */
    static ChaosOptions parse(String[] args, Map<String, String> environment) throws IOException {
        GivenOptions given = TABLE.parse(args, environment);
        Path work = given.value(WORK).map(Path::of).orElse(null);
        return new ChaosOptions((int) given.number(RUNS, 1, 100_000),
                given.isGiven(SEED) ? given.number(SEED, Long.MIN_VALUE, Long.MAX_VALUE) : System.currentTimeMillis(),
                duration(given), (int) given.number(CONCURRENCY, 1, 64),
                given.value(PLANTED_BUG).map(name -> PlantedBug.named(given.source(PLANTED_BUG), name)).orElse(PlantedBug.NONE),
                work != null ? Files.createDirectories(work) : Files.createTempDirectory("entente-chaos"));
    }

    private static Duration duration(GivenOptions given) {
        String value = given.valueOrDefault(DURATION);
        if (!value.matches("[0-9]{1,6}[sm]?")) {
            throw new InvalidOption(given.source(DURATION) + ": expected seconds, or a number then s or m (90s, 2m), got '"
                    + value + "'");
        }
        long amount = Long.parseLong(value.replaceAll("[sm]$", ""));
        Duration duration = value.endsWith("m") ? Duration.ofMinutes(amount) : Duration.ofSeconds(amount);
        if (duration.toSeconds() < 10) {
            throw new InvalidOption(given.source(DURATION) + ": at least 10s, got '" + value + "'");
        }
        return duration;
    }

    void print(PrintStream out) {
        out.printf("Entente chaos: %d run(s) of %ds, first seed %d, %d clients%s; logs in %s%n", runs, duration.toSeconds(),
                seed, concurrency, plantedBug == PlantedBug.NONE ? "" : ", with the planted bug " + plantedBug.option(), work);
    }
}
