package dev.entente.bench;

import dev.entente.options.CommandOption;
import dev.entente.options.GivenOptions;
import dev.entente.options.InvalidOption;
import dev.entente.options.OptionTable;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A driver's options, parsed by its {@link OptionTable} from the command line alone (a run's figures are
 * reproduced by its command as written, so no environment variable changes them unseen), and read as the
 * values a benchmark takes. Every error names the option.
 */
public final class Options {

    private final GivenOptions given;

    /** Parses {@code args} by {@code table}; throws {@link InvalidOption} for an unknown option or a missing value. */
    public Options(OptionTable table, String... args) {
        this.given = table.parse(args, Map.of());
    }

    /** The value given, or the default; empty if neither. */
    public String text(CommandOption option) {
        return given.valueOrDefault(option);
    }

    public boolean isGiven(CommandOption option) {
        return given.isGiven(option);
    }

    /** A whole number, 0 or more. */
    public int number(CommandOption option) {
        return (int) given.number(option, 0, Integer.MAX_VALUE);
    }

    /** Comma-separated whole numbers, each 0 or more. */
    public List<Integer> numbers(CommandOption option) {
        String value = given.valueOrDefault(option);
        try {
            List<Integer> numbers = Arrays.stream(value.split(",")).map(String::strip).map(Integer::valueOf).toList();
            if (numbers.stream().allMatch(number -> number >= 0)) {
                return numbers;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidOption(given.source(option) + ": expected comma-separated whole numbers, got '" + value + "'");
    }

    /** Seconds, fractions allowed ({@code 0.5}). */
    public Duration seconds(CommandOption option) {
        String value = given.valueOrDefault(option);
        try {
            double seconds = Double.parseDouble(value);
            if (seconds >= 0 && Double.isFinite(seconds)) {
                return Duration.ofMillis(Math.round(seconds * 1000));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidOption(given.source(option) + ": expected seconds (0.5, 10), got '" + value + "'");
    }
}
