package dev.entente.coordinator.cli;

import dev.entente.coordinator.cli.AdminClient.AdminException;
import dev.entente.options.GivenOptions;
import dev.entente.options.InvalidOption;
import dev.entente.options.OptionTable;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * The shape of a command over the admin ports ({@code entente tx}, {@code entente cluster}): {@code --help}
 * prints the usage; otherwise the options are parsed from its table and the environment, and the first
 * argument names the command. Exit status 0 on success, 1 when the coordinator refuses or cannot be
 * reached, 2 on a bad command line (the usage follows the message).
 */
abstract class AdminCommand {

    protected final PrintStream out;
    protected final PrintStream err;
    private final Map<String, String> env;
    private final String name;
    private final OptionTable table;
    private final String usage;
    private final String commands;

    /** {@code commands} lists the commands, for the message of a command line that names none. */
    AdminCommand(String name, OptionTable table, String usage, String commands, PrintStream out, PrintStream err,
                 Map<String, String> env) {
        this.name = name;
        this.table = table;
        this.usage = usage;
        this.commands = commands;
        this.out = out;
        this.err = err;
        this.env = env;
    }

    /** Runs {@code command} with the arguments after it and the options given. */
    abstract int execute(String command, List<String> arguments, GivenOptions given);

    final int run(String... args) {
        try {
            return parseAndExecute(List.of(args));
        } catch (UsageException e) {
            err.println("entente " + name + ": " + e.getMessage());
            err.print(usage);
            return 2;
        } catch (AdminException e) {
            err.println("entente " + name + ": " + e.getMessage());
            return 1;
        }
    }

    private int parseAndExecute(List<String> args) {
        if (args.contains("--help") || args.contains("-h")) {
            out.print(usage);
            return 0;
        }
        GivenOptions given;
        try {
            given = table.parse(args.toArray(String[]::new), env);
        } catch (InvalidOption e) {
            throw new UsageException(e.getMessage());
        }
        if (given.arguments().isEmpty()) {
            throw new UsageException("name a command: " + commands);
        }
        return execute(given.arguments().get(0), given.arguments().subList(1, given.arguments().size()), given);
    }
}
