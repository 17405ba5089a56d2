package dev.entente.runtime;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the agent finds each setting, the first place that has it winning, as the OpenTelemetry agent
 * does: the agent argument ({@code coordinator=h:p}), the system property ({@code entente.coordinator}),
 * the environment variable ({@code ENTENTE_COORDINATOR}), then the properties file that {@value
 * #CONFIGURATION_FILE} names (keys as the system properties: {@code entente.coordinator=h:p}), then what the
 * application gave from its own configuration ({@link #withApplication}: the Spring Boot starter's
 * {@code entente.*} properties), which fills in only what none of the agent's own places sets.
 *
 * <p>JDK types only: the agent reads its kill switch ({@value #ENABLED}) here before it installs anything.
 */
public final class SettingSources {

    /** The setting naming the optional properties file. */
    public static final String CONFIGURATION_FILE = "javaagent.configuration-file";
    /** The kill switch: {@code false} and the agent installs nothing. */
    public static final String ENABLED = "javaagent.enabled";

    private final Map<String, String> agentArguments;
    private final Properties systemProperties;
    private final Map<String, String> environment;
    private final Properties file;
    private final String fileName;
    private final Map<String, String> application;
    private final String applicationSource;

    private SettingSources(Map<String, String> agentArguments, Properties systemProperties, Map<String, String> environment,
                           Properties file, String fileName) {
        this(agentArguments, systemProperties, environment, file, fileName, Map.of(), "");
    }

    private SettingSources(Map<String, String> agentArguments, Properties systemProperties, Map<String, String> environment,
                           Properties file, String fileName, Map<String, String> application, String applicationSource) {
        this.agentArguments = agentArguments;
        this.systemProperties = systemProperties;
        this.environment = environment;
        this.file = file;
        this.fileName = fileName;
        this.application = application;
        this.applicationSource = applicationSource;
    }

    /**
     * These sources and, after them all, {@code settings} (names without {@code entente.}) that the application
     * read from {@code source}, its own configuration.
     */
    public SettingSources withApplication(Map<String, String> settings, String source) {
        return new SettingSources(agentArguments, systemProperties, environment, file, fileName, Map.copyOf(settings), source);
    }

    /** The sources given, with the file that {@value #CONFIGURATION_FILE} names among them, read now. */
    public static SettingSources of(Map<String, String> agentArguments, Map<String, String> environment, Properties properties) {
        SettingSources sources = new SettingSources(agentArguments, properties, environment, new Properties(), "");
        Optional<String> file = sources.find(CONFIGURATION_FILE).filter(name -> !name.isBlank());
        return file.isEmpty() ? sources : new SettingSources(agentArguments, properties, environment,
                read(sources.describe(CONFIGURATION_FILE), Path.of(file.get().trim())), file.get().trim());
    }

    /** This process's: its agent arguments, system properties and environment. */
    public static SettingSources ofThisProcess(String agentArguments) {
        return of(Settings.parseAgentArguments(agentArguments), System.getenv(), System.getProperties());
    }

    /**
     * Whether the agent is to install anything, by the kill switch {@value #ENABLED} (default true);
     * called reflectively by the agent's premain. A value other than true or false stops start-up.
     *
     * @throws IllegalArgumentException naming the setting and its source, for a bad value or file
     */
    public static boolean agentEnabled(String agentArguments) {
        try {
            return ofThisProcess(agentArguments).flag(ENABLED, true);
        } catch (Settings.InvalidSetting e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static Properties read(String setting, Path path) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new Settings.InvalidSetting(setting + ": " + path + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        for (String key : properties.stringPropertyNames()) {
            String name = key.startsWith("entente.") ? key.substring("entente.".length()) : "";
            if (!Settings.isSetting(name) || name.equals(CONFIGURATION_FILE)) {
                throw new Settings.InvalidSetting(setting + ": " + path + " holds '" + key + "', which is not an Entente setting "
                        + "(keys are the system properties' names, entente.coordinator and so on)");
            }
        }
        return properties;
    }

    public static String environmentName(String key) {
        return "ENTENTE_" + key.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
    }

    /** The value of setting {@code key} from the first source that has it. */
    public Optional<String> find(String key) {
        if (agentArguments.containsKey(key)) {
            return Optional.of(agentArguments.get(key));
        }
        String property = systemProperties.getProperty("entente." + key);
        if (property != null) {
            return Optional.of(property);
        }
        String variable = environment.get(environmentName(key));
        if (variable != null) {
            return Optional.of(variable);
        }
        String fromFile = file.getProperty("entente." + key);
        return fromFile != null ? Optional.of(fromFile) : Optional.ofNullable(application.get(key));
    }

    public String value(String key, String fallback) {
        return find(key).orElse(fallback);
    }

    /** A true/false setting; any other value is an error naming it. */
    public boolean flag(String key, boolean fallback) {
        String value = value(key, String.valueOf(fallback)).trim().toLowerCase(Locale.ROOT);
        if (!value.equals("true") && !value.equals("false")) {
            throw new Settings.InvalidSetting(describe(key) + ": expected true or false, got '" + value + "'");
        }
        return Boolean.parseBoolean(value);
    }

    /**
     * Stops start-up if any source names a setting {@code prefix + x + suffix} that {@code known} does not
     * hold ({@code instrumentation.servlett.enabled}), naming it and its source: a switch that turns
     * nothing off must not look as if it did.
     */
    public void rejectUnknown(String prefix, String suffix, Collection<String> known) {
        List<String> given = new ArrayList<>(agentArguments.keySet());
        for (Properties keys : List.of(systemProperties, file)) {
            keys.stringPropertyNames().stream().filter(key -> key.startsWith("entente.")).map(key -> key.substring("entente.".length()))
                    .forEach(given::add);
        }
        for (String key : given) {
            if (key.startsWith(prefix) && key.endsWith(suffix) && !known.contains(key)) {
                throw new Settings.InvalidSetting(describe(key) + " names nothing known; known: " + known);
            }
        }
        Set<String> knownVariables = known.stream().map(SettingSources::environmentName).collect(Collectors.toSet());
        String variablePrefix = environmentName(prefix);
        String variableSuffix = environmentName(suffix).substring("ENTENTE_".length());
        for (String variable : environment.keySet()) {
            if (variable.startsWith(variablePrefix) && variable.endsWith(variableSuffix) && !knownVariables.contains(variable)) {
                throw new Settings.InvalidSetting("environment variable " + variable + " names nothing known; known: "
                        + new TreeSet<>(knownVariables));
            }
        }
    }

    /** Where setting {@code key} comes from, for messages: the source that has it, or its system property if none does. */
    public String describe(String key) {
        if (agentArguments.containsKey(key)) {
            return "agent argument " + key;
        }
        if (systemProperties.getProperty("entente." + key) == null && environment.containsKey(environmentName(key))) {
            return "environment variable " + environmentName(key);
        }
        if (systemProperties.getProperty("entente." + key) == null && file.containsKey("entente." + key)) {
            return "entente." + key + " in " + fileName;
        }
        if (systemProperties.getProperty("entente." + key) == null && application.containsKey(key)) {
            return "entente." + key + " in " + applicationSource;
        }
        return "system property entente." + key;
    }
}
