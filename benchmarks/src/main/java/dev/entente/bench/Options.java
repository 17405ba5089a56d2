package dev.entente.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A driver's {@code --name value} options; each driver names the ones it takes, and anything else is refused. */
public final class Options {

    private final String driver;
    private final Map<String, String> values = new HashMap<>();

    public Options(String driver, String[] args, Set<String> known) {
        this.driver = driver;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (!name.startsWith("--") || !known.contains(name.substring(2))) {
                throw new IllegalArgumentException("bench " + driver + ": unknown option '" + name + "' (it takes --"
                        + String.join(", --", known.stream().sorted().toList()) + ")");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("bench " + driver + ": option " + name + " needs a value");
            }
            values.put(name.substring(2), args[++i]);
        }
    }

    public String text(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public int number(String name, int fallback) {
        String value = values.get(name);
        try {
            return value == null ? fallback : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bench " + driver + ": --" + name + " must be a whole number, got '" + value + "'");
        }
    }

    public List<Integer> numbers(String name, String fallback) {
        String value = values.getOrDefault(name, fallback);
        try {
            return Arrays.stream(value.split(",")).map(String::trim).map(Integer::parseInt).toList();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bench " + driver + ": --" + name + " must be comma-separated whole numbers, got '" + value + "'");
        }
    }

    public Duration seconds(String name, double fallback) {
        String value = values.get(name);
        try {
            double seconds = value == null ? fallback : Double.parseDouble(value);
            return Duration.ofMillis(Math.round(seconds * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bench " + driver + ": --" + name + " must be seconds, got '" + value + "'");
        }
    }
}
