package dev.entente.options;

/**
 * One option of a command, declared once in its {@link OptionTable}: given as the flag {@code --NAME},
 * the environment variable {@code PREFIX_NAME} or the key {@code NAME} of the {@code --config} file;
 * or, for an option that says what one invocation does ({@code tx resolve --commit}), on the command
 * line only.
 *
 * @param name         lower case words joined by '-', e.g. {@code admin-port}
 * @param value        what the value is, as usage shows it ({@code P}, {@code FILE}); null for a switch
 *                     (on when the flag is given; {@code true} or {@code false} in the environment or the file)
 * @param defaultValue the default as a user reads it, or "" if none; a plain value here is also the
 *                     value the command uses ({@link GivenOptions#valueOrDefault})
 * @param meaning      what it does, one sentence or two, without markup
 * @param flagOnly     given on the command line only, never by the environment or a file
 */
public record CommandOption(String name, String value, String defaultValue, String meaning, boolean flagOnly) {

    public CommandOption(String name, String value, String defaultValue, String meaning) {
        this(name, value, defaultValue, meaning, false);
    }

    public CommandOption {
        if (!name.matches("[a-z][a-z0-9]*(-[a-z0-9]+)*")) {
            throw new IllegalArgumentException("option name '" + name + "': lower case words joined by '-'");
        }
    }

    /** A switch: on when given. */
    public static CommandOption toggle(String name, String meaning) {
        return new CommandOption(name, null, "", meaning);
    }

    /** This option, taken from the command line only. */
    public CommandOption onCommandLineOnly() {
        return new CommandOption(name, value, defaultValue, meaning, true);
    }

    /** This option with another default: one option, declared once, whose default differs between commands. */
    public CommandOption withDefault(String otherDefault) {
        return new CommandOption(name, value, otherDefault, meaning, flagOnly);
    }

    public boolean isSwitch() {
        return value == null;
    }

    public String flag() {
        return "--" + name;
    }

    /** The flag with its value's placeholder, as usage and the docs show it: {@code --port P}. */
    public String synopsis() {
        return isSwitch() ? flag() : flag() + " " + value;
    }
}
