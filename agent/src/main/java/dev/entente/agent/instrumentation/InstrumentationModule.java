package dev.entente.agent.instrumentation;

import java.util.List;

/**
 * One integration, as users name it: the type instrumentations that make it work together, and the
 * libraries it supports. It is installed unless the setting {@code instrumentation.<name>.enabled} is
 * false ({@code -Dentente.instrumentation.servlet.enabled=false}); the supported-libraries table of
 * docs/configuration.md is made from these declarations.
 */
public abstract class InstrumentationModule {

    private final String name;

    protected InstrumentationModule(String name) {
        this.name = name;
    }

    public final String name() {
        return name;
    }

    /** The setting that turns this integration off: {@code instrumentation.<name>.enabled}. */
    public final String enabledSetting() {
        return "instrumentation." + name + ".enabled";
    }

    public abstract List<TypeInstrumentation> typeInstrumentations();

    public abstract List<SupportedLibrary> supportedLibraries();
}
