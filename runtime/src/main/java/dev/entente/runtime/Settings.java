package dev.entente.runtime;

import dev.entente.protocol.Xids;
import dev.entente.protocol.client.ClientSecurity;
import dev.entente.protocol.client.CoordinatorAddresses;
import dev.entente.protocol.config.SecurityProperties;
import dev.entente.protocol.extension.ExtensionJars;
import dev.entente.runtime.http.ContextSources;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Entente's settings in an application. Each is looked up as an agent argument ({@code coordinator=h:p}),
 * then as a system property ({@code entente.coordinator}), then as an environment variable
 * ({@code ENTENTE_COORDINATOR}), then in the optional properties file ({@link SettingSources}); the
 * first found wins. A bad value stops start-up with a message naming the setting and where it came from.
 * Besides these, the agent reads its kill switch ({@value SettingSources#ENABLED}) and which integrations
 * it installs ({@code instrumentation.<name>.enabled}) from the same places.
 */
public record Settings(List<String> coordinator, String app, Optional<String> expectedCluster,
                       long defaultTimeoutMillis, Duration recoveryInterval, boolean waitForPhaseTwo,
                       Optional<String> zookeeper, SecurityProperties zookeeperSecurity, String lockRoot, long lockWaitMillis,
                       Duration zookeeperSessionTimeout, Optional<String> kafka, SecurityProperties kafkaSecurity,
                       ClientSecurity coordinatorSecurity, List<Path> extensions, List<String> excludedResources,
                       ContextSources acceptContextFrom) {

    /** Every setting's name, default and meaning; docs/configuration.md lists the same. */
    public static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("coordinator", "");
        defaults.put("app", "");
        defaults.put("cluster", "");
        defaults.put("timeout", "60000");
        defaults.put("recovery-interval", "60000");
        defaults.put("wait-for-phase-two", "false");
        defaults.put("zookeeper", "");
        defaults.put("lock-root", "/entente/locks");
        defaults.put("lock-wait", "10000");
        defaults.put("zookeeper-session-timeout", "15000");
        defaults.put("zookeeper-client-properties", "");
        defaults.put("kafka", "");
        defaults.put("kafka-client-properties", "");
        defaults.put("tls-ca", "");
        defaults.put("secret-file", "");
        defaults.put("extensions", "");
        defaults.put("excluded-resources", "");
        defaults.put("accept-context-from", "all");
        return defaults;
    }

    /** A setting with a bad value; the message names it and its source. */
    public static final class InvalidSetting extends RuntimeException {
        public InvalidSetting(String message) {
            super(message);
        }
    }

    private static final Pattern INSTRUMENTATION_SWITCH = Pattern.compile("instrumentation\\.[a-z0-9-]+\\.enabled");

    /**
     * Whether {@code key} names a setting: one of {@link #DEFAULTS}, the agent's kill switch and
     * configuration file, or an integration's switch {@code instrumentation.<name>.enabled}.
     */
    public static boolean isSetting(String key) {
        return DEFAULTS.containsKey(key) || key.equals(SettingSources.ENABLED) || key.equals(SettingSources.CONFIGURATION_FILE)
                || INSTRUMENTATION_SWITCH.matcher(key).matches();
    }

    /** Parses {@code a=1,b=2} agent arguments. */
    public static Map<String, String> parseAgentArguments(String arguments) {
        Map<String, String> values = new LinkedHashMap<>();
        if (arguments == null || arguments.isBlank()) {
            return values;
        }
        // values may themselves hold commas (coordinator=h1:p,h2:p): a part without '=' continues the previous value
        String lastKey = null;
        for (String part : arguments.split(",")) {
            int equals = part.indexOf('=');
            if (equals > 0 && isSetting(part.substring(0, equals).trim())) {
                lastKey = part.substring(0, equals).trim();
                values.put(lastKey, part.substring(equals + 1).trim());
            } else if (lastKey != null && equals < 0) {
                values.put(lastKey, values.get(lastKey) + "," + part.trim());
            } else {
                String key = equals > 0 ? part.substring(0, equals).trim() : part.trim();
                throw new InvalidSetting("agent argument '" + key + "' is not an Entente setting; known: " + DEFAULTS.keySet()
                        + ", " + SettingSources.ENABLED + ", " + SettingSources.CONFIGURATION_FILE + ", instrumentation.<name>.enabled");
            }
        }
        return values;
    }

    public static Settings resolve(Map<String, String> agentArguments, Map<String, String> environment, Properties properties) {
        return resolve(SettingSources.of(agentArguments, environment, properties));
    }

    public static Settings resolve(SettingSources found) {
        Lookup lookup = new Lookup(found);
        String coordinatorList = lookup.value("coordinator");
        List<String> coordinator = coordinatorList.isBlank() ? List.of()
                : lookup.parse("coordinator", v -> CoordinatorAddresses.parse(lookup.describe("coordinator"), v));
        String app = lookup.value("app");
        if (app.isBlank()) {
            app = defaultAppName();
        }
        if (!app.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new InvalidSetting(lookup.describe("app") + ": '" + app + "' must be 1-64 letters, digits, '.', '_' or '-'");
        }
        Optional<String> cluster = optional(lookup.value("cluster"));
        if (cluster.isPresent() && !Xids.CLUSTER_ID.matcher(cluster.get()).matches()) {
            throw new InvalidSetting(lookup.describe("cluster") + ": '" + cluster.get()
                    + "' must be 1-32 letters, digits, '.', '_' or '-'");
        }
        long timeout = lookup.millis("timeout", 1, 86_400_000);
        long recovery = lookup.millis("recovery-interval", 100, 86_400_000);
        boolean wait = lookup.sources.flag("wait-for-phase-two", false);
        String lockRoot = lookup.value("lock-root");
        if (!lockRoot.matches("(/[A-Za-z0-9_.-]+)+") || lockRoot.contains("/./") || lockRoot.contains("/../")
                || lockRoot.endsWith("/.") || lockRoot.endsWith("/..")) {
            throw new InvalidSetting(lookup.describe("lock-root") + ": '" + lockRoot
                    + "' must be an absolute ZooKeeper path such as /entente/locks (letters, digits, '.', '_', '-')");
        }
        long lockWait = lookup.millis("lock-wait", 0, 86_400_000);
        long sessionTimeout = lookup.millis("zookeeper-session-timeout", 1000, 600_000);
        return new Settings(coordinator, app, cluster, timeout, Duration.ofMillis(recovery), wait,
                optional(lookup.value("zookeeper")), clientProperties(lookup, "zookeeper", SecurityProperties.Library.ZOOKEEPER),
                lockRoot, lockWait, Duration.ofMillis(sessionTimeout),
                optional(lookup.value("kafka")).map(kafka -> hostPortList(lookup, "kafka", kafka)),
                clientProperties(lookup, "kafka", SecurityProperties.Library.KAFKA),
                coordinatorSecurity(lookup, app),
                lookup.parse("extensions", jars -> ExtensionJars.parse(lookup.describe("extensions"), jars)),
                excludedResources(lookup),
                lookup.parse("accept-context-from", sources -> ContextSources.parse(lookup.describe("accept-context-from"), sources)));
    }

    /** The TLS and SASL settings of the client of {@code server} ("kafka"), from the file its -client-properties setting names. */
    private static SecurityProperties clientProperties(Lookup lookup, String server, SecurityProperties.Library library) {
        String key = server + "-client-properties";
        String file = lookup.value(key);
        if (file.isBlank()) {
            return SecurityProperties.none(library);
        }
        if (lookup.value(server).isBlank()) {
            throw new InvalidSetting(lookup.describe(key) + ": needs the setting " + server + " as well (the servers it is for)");
        }
        return lookup.parse(key, path -> SecurityProperties.load(library, lookup.describe(key), Path.of(path.trim())));
    }

    /** TLS to the coordinator when tls-ca names its authority, with the application's secret when secret-file names it. */
    private static ClientSecurity coordinatorSecurity(Lookup lookup, String app) {
        String authority = lookup.value("tls-ca");
        String secretFile = lookup.value("secret-file");
        if (authority.isBlank()) {
            if (!secretFile.isBlank()) {
                throw new InvalidSetting(lookup.describe("secret-file") + ": needs tls-ca as well: the application secret "
                        + "is only ever sent over TLS");
            }
            return ClientSecurity.plainText();
        }
        ClientSecurity tls = lookup.parse("tls-ca", file -> ClientSecurity.tls(lookup.describe("tls-ca"), Path.of(file.trim())));
        return secretFile.isBlank() ? tls
                : lookup.parse("secret-file", file -> tls.withSecret(app, lookup.describe("secret-file"), Path.of(file.trim())));
    }

    /** JDBC URL prefixes of resources whose work may stay outside global transactions. */
    private static List<String> excludedResources(Lookup lookup) {
        List<String> prefixes = Arrays.stream(lookup.value("excluded-resources").split(",")).map(String::trim)
                .filter(prefix -> !prefix.isEmpty()).toList();
        for (String prefix : prefixes) {
            if (!prefix.startsWith("jdbc:") || prefix.length() == "jdbc:".length()) {
                throw new InvalidSetting(lookup.describe("excluded-resources") + ": '" + prefix
                        + "' is not the start of a JDBC URL (such as jdbc:h2:mem:audit)");
            }
        }
        return prefixes;
    }

    private static String hostPortList(Lookup lookup, String key, String list) {
        for (String server : list.split(",")) {
            if (!server.trim().matches("[^:\\s]+:\\d{1,5}")) {
                throw new InvalidSetting(lookup.describe(key) + ": '" + server.trim() + "' is not host:port (in '" + list + "')");
            }
        }
        return list;
    }

    /** From this process's environment and system properties. */
    public static Settings resolve(String agentArguments) {
        return resolve(SettingSources.ofThisProcess(agentArguments));
    }

    private static Optional<String> optional(String value) {
        return value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    private static String defaultAppName() {
        String command = System.getProperty("sun.java.command", "app").split(" ")[0];
        String name = command.substring(command.lastIndexOf('.') + 1).replaceAll("[^A-Za-z0-9_.-]", "");
        if (name.endsWith("jar") && command.contains("/")) {
            name = command.substring(command.lastIndexOf('/') + 1).replace(".jar", "").replaceAll("[^A-Za-z0-9_.-]", "");
        }
        return name.isEmpty() ? "app" : name.substring(0, Math.min(64, name.length()));
    }

    /** Finds each setting in its places ({@link SettingSources}), remembering where it came from for error messages. */
    private static final class Lookup {
        private final SettingSources sources;

        Lookup(SettingSources sources) {
            this.sources = sources;
        }

        String value(String key) {
            return sources.value(key, DEFAULTS.get(key));
        }

        String describe(String key) {
            return sources.describe(key);
        }

        <T> T parse(String key, java.util.function.Function<String, T> parser) {
            try {
                return parser.apply(value(key));
            } catch (IllegalArgumentException e) {
                throw new InvalidSetting(e.getMessage());
            }
        }

        long millis(String key, long min, long max) {
            String value = value(key);
            try {
                long number = Long.parseLong(value.trim());
                if (number >= min && number <= max) {
                    return number;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new InvalidSetting(describe(key) + ": expected milliseconds from " + min + " to " + max + ", got '" + value + "'");
        }
    }
}
