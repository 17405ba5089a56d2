package dev.entente.agent.instrumentation.annotations;

import dev.entente.agent.instrumentation.InstrumentationModule;
import dev.entente.agent.instrumentation.SupportedLibrary;
import dev.entente.agent.instrumentation.TypeInstrumentation;
import java.util.List;

/** Methods annotated {@code @GlobalTransactional}, {@code @Locked}, {@code @Publish}. */
public final class AnnotationsModule extends InstrumentationModule {

    public AnnotationsModule() {
        super("annotations",
                List.of(new AnnotatedMethodInstrumentation()),
                List.of(new SupportedLibrary("Entente API (`@GlobalTransactional`, `@Locked`, `@Publish`)", "this release",
                        "this release", "")));
    }
}
