package dev.entente.runtime.metrics;

import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The meters in Micrometer's global registry ({@code Metrics.globalRegistry}), which passes them on to
 * every registry added to it: Spring Boot adds its own there (management.metrics.use-global-registry,
 * true by default), a plain application with {@code Metrics.addRegistry}. A counter becomes a
 * {@code FunctionCounter}, a gauge a {@code Gauge}, both reading the runtime's own count when collected; a
 * timer a {@code Timer} and a summary a {@code DistributionSummary}, each recording what its
 * {@link Distribution} records.
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
        Class<?> timer = Class.forName(PACKAGE + "Timer", false, loader);
        Class<?> summary = Class.forName(PACKAGE + "DistributionSummary", false, loader);
        for (MeterDefinition meter : meters) {
            // a read meter holds its object weakly: the definition, which the runtime holds for its lifetime
            Object builder = switch (meter.kind()) {
                case COUNTER -> counter.invoke(null, meter.name(), meter, READ);
                case GAUGE -> gauge.invoke(null, meter.name(), meter, READ);
                case TIMER -> timer.getMethod("builder", String.class).invoke(null, meter.name());
                case SUMMARY -> summary.getMethod("builder", String.class).invoke(null, meter.name());
            };
            builder.getClass().getMethod("description", String.class).invoke(builder, meter.description());
            builder.getClass().getMethod("tags", String[].class).invoke(builder, (Object) meter.tagPairs());
            Object registered = builder.getClass().getMethod("register", registryType).invoke(builder, registry);
            if (meter.kind() == MeterDefinition.Kind.TIMER) {
                Method record = timer.getMethod("record", long.class, TimeUnit.class);
                meter.distribution().attach(MeterExport.recording(meter, nanos -> record.invoke(registered, nanos, TimeUnit.NANOSECONDS)));
            } else if (meter.kind() == MeterDefinition.Kind.SUMMARY) {
                Method record = summary.getMethod("record", double.class);
                meter.distribution().attach(MeterExport.recording(meter, amount -> record.invoke(registered, (double) amount)));
            }
        }
        return Result.REGISTERED;
    }
}
