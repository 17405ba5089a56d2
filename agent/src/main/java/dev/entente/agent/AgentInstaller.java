package dev.entente.agent;

import dev.entente.agent.instrumentation.Instrumentations;
import dev.entente.runtime.EntenteRuntime;
import dev.entente.runtime.Settings;
import java.lang.instrument.Instrumentation;

/**
 * Runs in the agent's class loader: reads the settings (a bad one stops the application's start), installs
 * the advice, and leaves the runtime to start on first use ({@link EntenteRuntime#startOnFirstUse}).
 */
public final class AgentInstaller {

    private AgentInstaller() {
    }

    /** Called reflectively by {@link EntenteAgent#premain}. */
    public static void install(String arguments, Instrumentation instrumentation) {
        Settings settings;
        try {
            settings = Settings.resolve(arguments);
        } catch (Settings.InvalidSetting e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        // SLF4J reads its configuration (simplelogger.properties) through the context class loader: let
        // it find Entente's (the runtime does the same when it starts later, on an application thread)
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(AgentInstaller.class.getClassLoader());
        try {
            Instrumentations.install(instrumentation);
            EntenteRuntime.startOnFirstUse(settings);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
