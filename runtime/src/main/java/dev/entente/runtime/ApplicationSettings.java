package dev.entente.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The settings the runtime starts with: the agent's own (read at the JVM's start), and what the application
 * gives once it has read its own configuration (the Spring Boot starter: {@code entente.*} properties from
 * {@code application.yml}, before any bean is made). The application's fill in only what none of the agent's
 * places sets ({@link SettingSources}), and only until the runtime starts, at its first use: it starts with the
 * settings known then.
 *
 * <p>What is not applied is said, never dropped: a runtime setting given after the start with another value
 * than the one in force, a setting that the agent reads at the JVM's start only (its kill switch, its
 * configuration file, the integrations' switches) given with another value than its own, a name that is no
 * setting. A bad value is an error naming the setting and the application's source, as at the agent's start.
 */
final class ApplicationSettings {

    private SettingSources sources;
    private Settings settings;
    private boolean started;

    ApplicationSettings(SettingSources sources, Settings settings) {
        this.sources = sources;
        this.settings = settings;
    }

    /** The settings now, for the runtime's start: those given later are not applied. */
    synchronized Settings forStart() {
        started = true;
        return settings;
    }

    /** The settings in force now (before the start: those the runtime would start with). */
    synchronized Settings current() {
        return settings;
    }

    /**
     * Applies {@code given} (names without {@code entente.}) from {@code source}; returns a sentence for each one
     * that is not applied.
     *
     * @throws Settings.InvalidSetting for a bad value, naming it and {@code source}
     */
    synchronized List<String> apply(Map<String, String> given, String source) {
        List<String> notApplied = new ArrayList<>();
        Map<String, String> runtimeSettings = new LinkedHashMap<>();
        given.forEach((key, value) -> {
            if (Settings.DEFAULTS.containsKey(key)) {
                runtimeSettings.put(key, value);
            } else if (!Settings.isSetting(key)) {
                notApplied.add("entente." + key + " in " + source + " is not an Entente setting (known: " + Settings.DEFAULTS.keySet()
                        + "); it is ignored");
            } else if (!Objects.equals(sources.find(key).orElse(null), value)) {
                notApplied.add("entente." + key + " in " + source + " is not applied: the agent reads it at the JVM's start only, "
                        + "from its agent arguments, system properties, environment variables or configuration file");
            }
        });
        SettingSources next = sources.withApplication(runtimeSettings, source);
        if (started) {
            List<String> changed = runtimeSettings.keySet().stream()
                    .filter(key -> !next.value(key, Settings.DEFAULTS.get(key)).equals(sources.value(key, Settings.DEFAULTS.get(key))))
                    .map(key -> "entente." + key).toList();
            if (!changed.isEmpty()) {
                notApplied.add("the Entente runtime started (at its first use) before " + source + " was read, so " + changed
                        + " from there are not applied; give them to the agent instead (agent argument, system property or "
                        + "environment variable)");
            }
            return notApplied;
        }
        Settings resolved = Settings.resolve(next);
        sources = next;
        settings = resolved;
        return notApplied;
    }
}
