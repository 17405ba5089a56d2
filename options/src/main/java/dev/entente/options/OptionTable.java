package dev.entente.options;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * A command's options, declared once: the table yields the parser, the options part of the usage text
 * and the reference table in the docs. Every option is given as a flag, an environment variable
 * ({@code PREFIX} + the name in upper case with '_' for '-') or, in a table with {@link Feature#CONFIG_FILE},
 * a key of the properties file that {@code --config FILE} (or its environment variable) names; a flag
 * beats the environment, which beats the file, which beats the default. Options marked
 * {@link CommandOption#flagOnly()} come from the command line alone.
 */
public final class OptionTable {

    /** What a command's table allows besides options. */
    public enum Feature {
        /** {@code --config FILE}: a properties file of options. */
        CONFIG_FILE,
        /** Words that are not options (a sub-command, an XID), in {@link GivenOptions#arguments()}. */
        ARGUMENTS
    }

    /** The option naming the properties file, in a table with {@link Feature#CONFIG_FILE}. */
    public static final CommandOption CONFIG = new CommandOption("config", "FILE", "",
            "a properties file of options, one NAME=value per line (NAME is the option without --)");

    private static final int USAGE_WIDTH = 110;
    private static final String NO_DEFAULT = "";

    private final String environmentPrefix;
    private final boolean takesArguments;
    private final List<CommandOption> options;
    private final Map<String, CommandOption> byName = new LinkedHashMap<>();

    /**
     * A table whose options are flags, environment variables {@code environmentPrefix} + name, and (with
     * {@link Feature#CONFIG_FILE}) keys of the {@code --config} file.
     */
    public OptionTable(String environmentPrefix, List<CommandOption> options, Feature... features) {
        this.environmentPrefix = environmentPrefix;
        this.takesArguments = List.of(features).contains(Feature.ARGUMENTS);
        List<CommandOption> all = new ArrayList<>(options);
        if (List.of(features).contains(Feature.CONFIG_FILE)) {
            all.add(CONFIG);
        }
        this.options = List.copyOf(all);
        for (CommandOption option : this.options) {
            if (byName.put(option.name(), option) != null) {
                throw new IllegalArgumentException("option " + option.flag() + " declared twice");
            }
        }
    }

    /**
     * A table whose options come from the command line alone: for a command whose output must be reproduced by
     * the command as written (a benchmark's figures), which no variable of the environment may change unseen.
     */
    public static OptionTable commandLineOnly(List<CommandOption> options, Feature... features) {
        if (List.of(features).contains(Feature.CONFIG_FILE)) {
            throw new IllegalArgumentException("a command-line-only table has no --config file");
        }
        return new OptionTable(null, options, features);
    }

    public List<CommandOption> options() {
        return options;
    }

    /** True if the option is also read from the environment (and the config file, in a table that has one). */
    public boolean fromEnvironment(CommandOption option) {
        return environmentPrefix != null && !option.flagOnly();
    }

    public String environmentVariable(CommandOption option) {
        if (environmentPrefix == null) {
            throw new IllegalStateException(option.flag() + " is taken from the command line only");
        }
        return environmentPrefix + option.name().toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** True if the command line asks for the usage text ({@code --help} or {@code -h} anywhere in it). */
    public static boolean asksForHelp(String... args) {
        return Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h");
    }

    /** Parses {@code args}, then {@code environment}, then the config file; the first to give an option wins. */
    public GivenOptions parse(String[] args, Map<String, String> environment) {
        Map<CommandOption, GivenOptions.Given> given = new LinkedHashMap<>();
        List<String> arguments = parseFlags(args, given);
        for (CommandOption option : options) {
            String value = fromEnvironment(option) ? environment.get(environmentVariable(option)) : null;
            if (value != null && !given.containsKey(option)) {
                given.put(option, checked(option, value.strip(), environmentVariable(option)));
            }
        }
        GivenOptions.Given config = given.get(CONFIG);
        if (config != null) {
            parseFile(Path.of(config.value()), config.source(), given);
        }
        return new GivenOptions(given, arguments);
    }

    /** Puts the flags of {@code args} in {@code given}; returns the other words. */
    private List<String> parseFlags(String[] args, Map<CommandOption, GivenOptions.Given> given) {
        List<String> arguments = new ArrayList<>();
        Iterator<String> it = Arrays.asList(args).iterator();
        while (it.hasNext()) {
            String flag = it.next();
            if (takesArguments && !flag.startsWith("-")) {
                arguments.add(flag);
                continue;
            }
            CommandOption option = flag.startsWith("--") ? byName.get(flag.substring(2)) : null;
            if (option == null) {
                throw new InvalidOption(flag + ": unknown option (see --help)");
            }
            String value;
            if (option.isSwitch()) {
                value = "true";
            } else if (it.hasNext()) {
                value = it.next();
            } else {
                throw new InvalidOption(flag + ": needs a value");
            }
            if (given.put(option, new GivenOptions.Given(value, flag)) != null) {
                throw new InvalidOption(flag + ": given twice");
            }
        }
        return arguments;
    }

    private void parseFile(Path file, String namedBy, Map<CommandOption, GivenOptions.Given> given) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new InvalidOption(namedBy + ": cannot read " + file.toAbsolutePath() + " (" + e + ")");
        }
        for (String key : properties.stringPropertyNames()) {
            CommandOption option = byName.get(key);
            String source = key + " in " + file;
            if (option == null || option == CONFIG || option.flagOnly()) {
                throw new InvalidOption(source + ": unknown option (the keys are the options' names without --, e.g. "
                        + options.get(0).name() + ")");
            }
            if (!given.containsKey(option)) {
                given.put(option, checked(option, properties.getProperty(key).strip(), source));
            }
        }
    }

    /** A switch given outside the command line must say {@code true} or {@code false}. */
    private static GivenOptions.Given checked(CommandOption option, String value, String source) {
        if (option.isSwitch() && !value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new InvalidOption(source + ": expected true or false, got '" + value + "'");
        }
        return new GivenOptions.Given(option.isSwitch() ? value.toLowerCase(Locale.ROOT) : value, source);
    }

    /** The options part of the usage text: one entry per option, its meaning wrapped, its default and variable. */
    public String usage() {
        int column = options.stream().mapToInt(option -> option.synopsis().length()).max().orElse(0) + 4;
        StringBuilder out = new StringBuilder();
        for (CommandOption option : options) {
            String text = option.meaning()
                    + (option.defaultValue().equals(NO_DEFAULT) ? "" : "; default " + option.defaultValue())
                    + (fromEnvironment(option) ? " [" + environmentVariable(option) + "]" : "");
            List<String> lines = wrap(text, USAGE_WIDTH - column);
            out.append("  ").append(pad(option.synopsis(), column - 2)).append(lines.get(0)).append('\n');
            for (String line : lines.subList(1, lines.size())) {
                out.append(" ".repeat(column)).append(line).append('\n');
            }
        }
        return out.toString();
    }

    /** The options as a usage line shows them: {@code [--runs N] [--work DIR]}. */
    public String synopsis() {
        StringBuilder out = new StringBuilder();
        for (CommandOption option : options) {
            out.append(out.length() == 0 ? "" : " ").append('[').append(option.synopsis()).append(']');
        }
        return out.toString();
    }

    /** The reference table in Markdown, as the docs hold it (without the environment column in a command-line-only table). */
    public String markdown() {
        boolean environment = environmentPrefix != null;
        StringBuilder out = new StringBuilder(environment ? "| option | environment | default | meaning |\n|---|---|---|---|\n"
                : "| option | default | meaning |\n|---|---|---|\n");
        for (CommandOption option : options) {
            out.append("| `").append(option.synopsis()).append("` | ");
            if (environment) {
                out.append(option.flagOnly() ? "command line only" : "`" + environmentVariable(option) + "`").append(" | ");
            }
            out.append(option.defaultValue().equals(NO_DEFAULT) ? "" : option.defaultValue()).append(" | ")
                    .append(option.meaning()).append(" |\n");
        }
        return out.toString();
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text + " " : text + " ".repeat(width - text.length());
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        lines.add(line.toString());
        return lines;
    }
}
