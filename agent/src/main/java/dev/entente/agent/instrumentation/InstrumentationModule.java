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
    private final List<TypeInstrumentation> typeInstrumentations;
    private final List<SupportedLibrary> supportedLibraries;

    protected InstrumentationModule(String name, List<TypeInstrumentation> typeInstrumentations,
                                    List<SupportedLibrary> supportedLibraries) {
        this.name = name;
        this.typeInstrumentations = List.copyOf(typeInstrumentations);
        this.supportedLibraries = List.copyOf(supportedLibraries);
    }

    public final String name() {
        return name;
    }

    /** The setting that turns this integration off: {@code instrumentation.<name>.enabled}. */
    public final String enabledSetting() {
        return "instrumentation." + name + ".enabled";
    }

    public final List<TypeInstrumentation> typeInstrumentations() {
        return typeInstrumentations;
    }

    public final List<SupportedLibrary> supportedLibraries() {
        return supportedLibraries;
    }
}
