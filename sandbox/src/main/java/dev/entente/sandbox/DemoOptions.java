package dev.entente.sandbox;

import java.io.PrintStream;
import java.nio.file.Path;

/** {@code entente demo [--orders N] [--concurrency C] [--chaos] [--spring-boot] [--seed S] [--work DIR] [--wrong-coordinator]}. */
record DemoOptions(int orders, int concurrency, boolean chaos, long seed, Path work, boolean misconfigured, boolean springBoot) {

    static final String USAGE = "usage: entente demo [--orders N] [--concurrency C] [--chaos] [--spring-boot] [--seed S] "
            + "[--work DIR] [--wrong-coordinator]\n"
            + "  --orders N            orders to place (default 200)\n"
            + "  --concurrency C       orders in flight at once (default 8)\n"
            + "  --chaos               kill -9 the inventory or payment service every few seconds, and restart it\n"
            + "  --spring-boot         run the payment service as a Spring Boot application\n"
            + "  --seed S              the random seed of the orders and the chaos (default: the time)\n"
            + "  --work DIR            where logs and coordinator data go (default: a new temporary directory)\n"
            + "  --wrong-coordinator   give the services a coordinator address where nothing listens, to see the errors";

    static DemoOptions parse(String[] args, PrintStream err) {
        int orders = 200;
        int concurrency = 8;
        boolean chaos = false;
        boolean misconfigured = false;
        boolean springBoot = false;
        long seed = System.currentTimeMillis();
        Path work = null;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            switch (option) {
                case "--chaos" -> chaos = true;
                case "--wrong-coordinator" -> misconfigured = true;
                case "--spring-boot" -> springBoot = true;
                case "--orders" -> orders = number(option, value(args, ++i, option, err), 1, 1_000_000, err);
                case "--concurrency" -> concurrency = number(option, value(args, ++i, option, err), 1, 256, err);
                case "--seed" -> seed = number(option, value(args, ++i, option, err), 0, Integer.MAX_VALUE, err);
                case "--work" -> work = Path.of(value(args, ++i, option, err));
                case "--help", "-h" -> {
                    err.println(USAGE);
                    System.exit(0);
                }
                default -> fail("unknown option '" + option + "'", err);
            }
        }
        return new DemoOptions(orders, concurrency, chaos, seed, work, misconfigured, springBoot);
    }

    private static String value(String[] args, int index, String option, PrintStream err) {
        if (index >= args.length) {
            fail(option + " needs a value", err);
        }
        return args[index];
    }

    private static int number(String option, String value, int min, int max, PrintStream err) {
        try {
            int number = Integer.parseInt(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        fail(option + " must be a whole number from " + min + " to " + max + ", not '" + value + "'", err);
        return -1;
    }

    private static void fail(String message, PrintStream err) {
        err.println("entente demo: " + message);
        err.println(USAGE);
        System.exit(2);
    }
}
