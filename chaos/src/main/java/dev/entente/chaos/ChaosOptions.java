package dev.entente.chaos;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The command line of {@code bin/entente chaos}; a bad option stops it with a message naming the option. */
record ChaosOptions(int runs, long seed, Duration duration, int concurrency, PlantedBug plantedBug, Path work) {

    static final String USAGE = """
            usage: entente chaos [--runs N] [--seed S] [--duration D] [--concurrency C] [--planted-bug BUG] [--work DIR]
              --runs N           runs, each on a fresh cluster and bank; default 1
              --seed S           seed of the first run (run i uses S + i - 1); default: the clock
              --duration D       workload time per run: 90s, 2m or seconds; default 60s
              --concurrency C    clients sending transfers at once; default 4
              --planted-bug BUG  turn a deliberate bug on, so the checker must report violations:
                                 commit-without-asking (the account services' branches commit without
                                 asking the coordinator) or publish-twice (the coordinator sends every
                                 message of a committed transaction twice)
              --work DIR         where logs go; default a new temporary directory""";

    /** Thrown for a bad option; the message names it. */
    static final class InvalidOption extends RuntimeException {
        InvalidOption(String message) {
            super(message);
        }
    }

    static ChaosOptions parse(String... args) throws java.io.IOException {
        int runs = 1;
        long seed = System.currentTimeMillis();
        Duration duration = Duration.ofSeconds(60);
        int concurrency = 4;
        PlantedBug plantedBug = PlantedBug.NONE;
        Path work = null;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 == args.length) {
                throw new InvalidOption(option + ": needs a value, or is not an option\n" + USAGE);
            }
            String value = args[++i];
            switch (option) {
                case "--runs" -> runs = (int) number(option, value, 1, 100_000);
                case "--seed" -> seed = number(option, value, Long.MIN_VALUE, Long.MAX_VALUE);
                case "--duration" -> duration = duration(value);
                case "--concurrency" -> concurrency = (int) number(option, value, 1, 64);
                case "--planted-bug" -> plantedBug = PlantedBug.named(value);
                case "--work" -> work = Path.of(value);
                default -> throw new InvalidOption(option + ": unknown option\n" + USAGE);
            }
        }
        return new ChaosOptions(runs, seed, duration, concurrency, plantedBug,
                work != null ? Files.createDirectories(work) : Files.createTempDirectory("entente-chaos"));
    }

    private static Duration duration(String value) {
        String digits = value.replaceAll("[sm]$", "");
        long amount = number("--duration", digits, 1, 86_400);
        Duration duration = value.endsWith("m") ? Duration.ofMinutes(amount) : Duration.ofSeconds(amount);
        if (duration.toSeconds() < 10) {
            throw new InvalidOption("--duration: at least 10s, got '" + value + "'");
        }
        return duration;
    }

    private static long number(String option, String value, long min, long max) {
        try {
            long number = Long.parseLong(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidOption(option + ": expected a whole number from " + min + " to " + max + ", got '" + value + "'");
    }

    void print(PrintStream out) {
        out.printf("Entente chaos: %d run(s) of %ds, first seed %d, %d clients%s; logs in %s%n", runs, duration.toSeconds(),
                seed, concurrency, plantedBug == PlantedBug.NONE ? "" : ", with the planted bug " + plantedBug.option(), work);
    }
}
