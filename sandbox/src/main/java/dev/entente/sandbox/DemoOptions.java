package dev.entente.sandbox;

import dev.entente.options.CommandOption;
import dev.entente.options.GivenOptions;
import dev.entente.options.InvalidOption;
import dev.entente.options.OptionTable;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The options of {@code entente demo}, declared once in {@link #TABLE} (flags, {@code ENTENTE_DEMO_*}
 * variables); the usage text and the table in sample-apps/README.md come from it.
 */
record DemoOptions(int orders, int concurrency, boolean chaos, long seed, Path work, boolean misconfigured, boolean springBoot) {

    static final CommandOption ORDERS = new CommandOption("orders", "N", "200", "orders to place");
    static final CommandOption CONCURRENCY = new CommandOption("concurrency", "C", "8", "orders in flight at once");
    static final CommandOption CHAOS = CommandOption.toggle("chaos",
            "kill -9 the inventory or payment service every few seconds, and restart it");
    static final CommandOption SPRING_BOOT = CommandOption.toggle("spring-boot", "run the payment service as a Spring Boot application");
    static final CommandOption SEED = new CommandOption("seed", "S", "the clock", "the random seed of the orders and the chaos");
    static final CommandOption WORK = new CommandOption("work", "DIR", "a new temporary directory",
            "where logs and coordinator data go");
    static final CommandOption WRONG_COORDINATOR = CommandOption.toggle("wrong-coordinator",
            "give the services a coordinator address where nothing listens, to see the errors").onCommandLineOnly();

    /** Every option of {@code entente demo}. */
    static final OptionTable TABLE = new OptionTable("ENTENTE_DEMO_",
            List.of(ORDERS, CONCURRENCY, CHAOS, SPRING_BOOT, SEED, WORK, WRONG_COORDINATOR));

    static final String USAGE = """
            usage: entente demo [--orders N] [--concurrency C] [--chaos] [--spring-boot] [--seed S] [--work DIR] [--wrong-coordinator]
            options (a flag beats the environment variable in brackets, which beats the default):
            """ + TABLE.usage();

    /** Parses a command line alone. */
    static DemoOptions parse(String... args) {
        return parse(args, Map.of());
    }

    /** Parses a command line, then the {@code ENTENTE_DEMO_*} variables of {@code environment}; throws {@link InvalidOption}. */
    static DemoOptions parse(String[] args, Map<String, String> environment) {
        GivenOptions given = TABLE.parse(args, environment);
        return new DemoOptions((int) given.number(ORDERS, 1, 1_000_000), (int) given.number(CONCURRENCY, 1, 256),
                given.isOn(CHAOS), given.isGiven(SEED) ? given.number(SEED, 0, Integer.MAX_VALUE) : System.currentTimeMillis(),
                given.value(WORK).map(Path::of).orElse(null), given.isOn(WRONG_COORDINATOR), given.isOn(SPRING_BOOT));
    }
}
