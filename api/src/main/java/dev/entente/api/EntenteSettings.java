package dev.entente.api;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.Map;

/**
 * Gives the agent settings the application read from its own configuration (the Spring Boot starter: the
 * {@code entente.*} properties of {@code application.yml}). They fill in what none of the agent's own places
 * (agent argument, system property, environment variable, its configuration file) sets, and count only until
 * Entente's runtime starts, at its first use (a JDBC connection, a global transaction, a request carrying one):
 * give them before. Which settings can come from here, and what happens to the others: docs/configuration.md.
 */
public final class EntenteSettings {

    private static final MethodHandle APPLY = EntenteContext.find("dev.entente.bootstrap.ApplicationCalls", "applySettings",
            MethodType.methodType(List.class, Map.class, String.class));

    private EntenteSettings() {
    }

    /** Whether the agent is attached (and on) to take settings. */
    public static boolean agentAttached() {
        return APPLY != null;
    }

    /**
     * Applies {@code settings} (names without {@code entente.}: {@code coordinator}, {@code app}, ...) from
     * {@code source} (named in messages, e.g. "Spring's environment"); returns a sentence for each one that is
     * not applied, naming it.
     *
     * @throws IllegalArgumentException for a bad value, naming the setting and {@code source}
     * @throws IllegalStateException    if the agent is not attached
     */
    @SuppressWarnings("unchecked")
    public static List<String> apply(Map<String, String> settings, String source) {
        if (APPLY == null) {
            throw new IllegalStateException("the Entente agent is not attached (start the JVM with -javaagent:entente-agent.jar) "
                    + "or is off: the settings of " + source + " " + settings.keySet() + " are not applied");
        }
        try {
            return (List<String>) APPLY.invokeExact(settings, source);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot give Entente the settings of " + source + ": " + e, e);
        }
    }
}
