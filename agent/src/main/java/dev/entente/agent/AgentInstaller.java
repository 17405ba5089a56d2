package dev.entente.agent;

import dev.entente.agent.instrumentation.Instrumentations;
import dev.entente.runtime.FirstUseHooks;
import dev.entente.runtime.SettingSources;
import dev.entente.runtime.Settings;
import java.lang.instrument.Instrumentation;

/**
 * Runs in the agent's class loader: reads the settings (a bad one stops the application's start), installs
 * the advice, and leaves the runtime to start on first use ({@link FirstUseHooks#startOnFirstUse}).
 */
public final class AgentInstaller {

    private AgentInstaller() {
    }

    /** Called reflectively by {@link EntenteAgent#premain}. */
    public static void install(String arguments, Instrumentation instrumentation) {
        SettingSources sources;
        Settings settings;
        try {
            sources = SettingSources.ofThisProcess(arguments);
            settings = Settings.resolve(sources);
        } catch (Settings.InvalidSetting e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        // SLF4J reads its configuration (simplelogger.properties) through the context class loader: let
        // it find Entente's (the runtime does the same when it starts later, on an application thread)
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(AgentInstaller.class.getClassLoader());
        try {
            Instrumentations.install(instrumentation, sources);
            FirstUseHooks.startOnFirstUse(sources, settings);
        } catch (Settings.InvalidSetting e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
