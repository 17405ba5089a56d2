package dev.entente.agent;

import dev.entente.agent.instrumentation.Instrumentations;
import dev.entente.runtime.EntenteRuntime;
import dev.entente.runtime.Settings;
import java.lang.instrument.Instrumentation;

/** Runs in the agent's isolated class loader: reads the settings, starts the runtime, installs the advice. */
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
        // it find Entente's, here and in the threads the runtime starts now (ZooKeeper's, gRPC's)
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(AgentInstaller.class.getClassLoader());
        try {
            EntenteRuntime.start(settings);
            Instrumentations.install(instrumentation);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
