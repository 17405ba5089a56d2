package dev.entente.runtime.metrics;

import java.lang.reflect.Method;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The meters in Micrometer's global registry ({@code Metrics.globalRegistry}), which passes them on to
 * every registry added to it: Spring Boot adds its own there (management.metrics.use-global-registry,
 * true by default), a plain application with {@code Metrics.addRegistry}. A counter becomes a
 * {@code FunctionCounter}, a gauge a {@code Gauge}, both reading the runtime's own count when collected.
 */
final class MicrometerExport implements MeterExport {

    private static final String PACKAGE = "io.micrometer.core.instrument.";
    private static final ToDoubleFunction<MeterDefinition> READ = MeterDefinition::read;

    @Override
    public String library() {
        return "Micrometer (Metrics.globalRegistry)";
    }

    @Override
    public Result register(ClassLoader loader, List<MeterDefinition> meters) throws ReflectiveOperationException {
        Class<?> metrics;
        try {
            metrics = Class.forName(PACKAGE + "Metrics", false, loader);
        } catch (ClassNotFoundException absent) {
            return Result.ABSENT;
        }
        Object registry = metrics.getField("globalRegistry").get(null);
        Class<?> registryType = Class.forName(PACKAGE + "MeterRegistry", false, loader);
        Method counter = Class.forName(PACKAGE + "FunctionCounter", false, loader)
                .getMethod("builder", String.class, Object.class, ToDoubleFunction.class);
        Method gauge = Class.forName(PACKAGE + "Gauge", false, loader)
                .getMethod("builder", String.class, Object.class, ToDoubleFunction.class);
        for (MeterDefinition meter : meters) {
            // the meter holds its object weakly: the definition, which the runtime holds for its lifetime
            Object builder = (meter.kind() == MeterDefinition.Kind.COUNTER ? counter : gauge).invoke(null, meter.name(), meter, READ);
            builder.getClass().getMethod("description", String.class).invoke(builder, meter.description());
            builder.getClass().getMethod("register", registryType).invoke(builder, registry);
        }
        return Result.REGISTERED;
    }
}
