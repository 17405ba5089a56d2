package dev.entente.options;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The options a command was given, each from where it won: its flag, its environment variable or the config file. */
public final class GivenOptions {

    /** A value and where it came from, in the words an error message uses ({@code --port}, {@code ENTENTE_PORT}). */
    record Given(String value, String source) {
    }

    private final Map<CommandOption, Given> given;
    private final List<String> arguments;

    GivenOptions(Map<CommandOption, Given> given, List<String> arguments) {
        this.given = Map.copyOf(given);
        this.arguments = List.copyOf(arguments);
    }

    /** The words of the command line that are not options, in order (a table with {@code ARGUMENTS}). */
    public List<String> arguments() {
        return arguments;
    }

    public boolean isGiven(CommandOption option) {
        return given.containsKey(option);
    }

    public Optional<String> value(CommandOption option) {
        return Optional.ofNullable(given.get(option)).map(Given::value);
    }

    /** The value given, or the table's default (for an option whose default is a plain value). */
    public String valueOrDefault(CommandOption option) {
        return value(option).orElse(option.defaultValue());
    }

    /** True if the switch was given on: as a flag, or as {@code true} in the environment or the file. */
    public boolean isOn(CommandOption option) {
        return value(option).map(Boolean::parseBoolean).orElse(false);
    }

    /** The value given, or the default, as a whole number from {@code min} to {@code max}; else an error naming its source. */
    public long number(CommandOption option, long min, long max) {
        String value = valueOrDefault(option);
        try {
            long number = Long.parseLong(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidOption(source(option) + ": expected a whole number from " + min + " to " + max + ", got '" + value + "'");
    }

    /**
     * Where {@code option} was given, for an error message: {@code --port}, {@code ENTENTE_PORT}, or
     * {@code port in /etc/entente/node.properties}; the flag if it was not given.
     */
    public String source(CommandOption option) {
        return Optional.ofNullable(given.get(option)).map(Given::source).orElse(option.flag());
    }
}
