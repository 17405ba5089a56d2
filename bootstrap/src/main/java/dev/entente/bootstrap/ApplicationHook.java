package dev.entente.bootstrap;

import java.util.List;
import java.util.Map;

/**
 * What the application asks of Entente itself, through {@code dev.entente.api} ({@link ApplicationCalls}): its
 * state, the settings it read from its own configuration (Spring's {@code entente.*} properties), and its
 * meters. JDK types only: the application's api classes and the runtime's share nothing else.
 */
public interface ApplicationHook {

    /** The runtime is not installed (it is used as a library, or the agent did not finish its start). */
    ApplicationHook NONE = new ApplicationHook() {
        @Override
        public Map<String, Object> status() {
            return Map.of("problem", "the Entente runtime is not installed in this JVM");
        }

        @Override
        public List<String> applySettings(Map<String, String> settings, String source) {
            return List.of("the Entente runtime is not installed in this JVM: the settings of " + source + " are not applied");
        }

        @Override
        public void offerMeters(ClassLoader loader) {
        }
    };

    /** A snapshot of the runtime's state, its keys as {@code dev.entente.api.EntenteStatus} reads them. */
    Map<String, Object> status();

    /**
     * Settings (names without {@code entente.}, values as text) from {@code source}; returns why any of them is
     * not applied (each a sentence naming the setting).
     *
     * @throws IllegalArgumentException naming the setting and {@code source}, for a bad value
     */
    List<String> applySettings(Map<String, String> settings, String source);

    /** The metrics libraries {@code loader} sees get the runtime's meters, unless they have them already. */
    void offerMeters(ClassLoader loader);
}
