package dev.entente.bootstrap;

import java.util.List;
import java.util.Map;

/** The static entry points {@code dev.entente.api} finds by name, each passed to {@link Hooks#application}. */
public final class ApplicationCalls {

    private ApplicationCalls() {
    }

    public static Map<String, Object> status() {
        return Hooks.application.status();
    }

    public static List<String> applySettings(Map<String, String> settings, String source) {
        return Hooks.application.applySettings(settings, source);
    }

    public static void offerMeters(ClassLoader loader) {
        Hooks.application.offerMeters(loader);
    }
}
