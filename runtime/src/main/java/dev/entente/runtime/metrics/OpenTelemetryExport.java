package dev.entente.runtime.metrics;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.function.Consumer;

/**
 * The meters as asynchronous instruments of the OpenTelemetry API's global {@code OpenTelemetry}
 * (meter {@code dev.entente.runtime}), once the application has set it ({@code GlobalOpenTelemetry.isSet()};
 * the runtime never calls {@code GlobalOpenTelemetry.get()}, which would fix the no-op and make the
 * application's own {@code set} fail). A counter becomes an observable long counter, a gauge an
 * observable long gauge, with the meter's tags as attributes; a timer a histogram in seconds, a summary a
 * histogram of its unit.
 */
final class OpenTelemetryExport implements MeterExport {

    private static final String PACKAGE = "io.opentelemetry.api.";
    static final String METER = "dev.entente.runtime";

    @Override
    public String library() {
        return "OpenTelemetry (GlobalOpenTelemetry)";
    }

    @Override
    public Result register(ClassLoader loader, List<MeterDefinition> meters) throws ReflectiveOperationException {
        Class<?> global;
        Method isSet;
        try {
            global = Class.forName(PACKAGE + "GlobalOpenTelemetry", false, loader);
            isSet = global.getMethod("isSet");
        } catch (ClassNotFoundException | NoSuchMethodException absentOrTooOld) {
            return Result.ABSENT;
        }
        if (!(Boolean) isSet.invoke(null)) {
            return Result.NOT_YET;
        }
        Object meter = global.getMethod("getMeter", String.class).invoke(null, METER);
        Class<?> meterType = Class.forName(PACKAGE + "metrics.Meter", false, loader);
        Class<?> measurementType = Class.forName(PACKAGE + "metrics.ObservableLongMeasurement", false, loader);
        Class<?> attributesType = Class.forName(PACKAGE + "common.Attributes", false, loader);
        Method record = measurementType.getMethod("record", long.class, attributesType);
        for (MeterDefinition definition : meters) {
            if (definition.recorded()) {
                histogram(loader, meterType, meter, definition);
                continue;
            }
            Object builder;
            Class<?> builderType;
            if (definition.kind() == MeterDefinition.Kind.COUNTER) {
                builder = meterType.getMethod("counterBuilder", String.class).invoke(meter, definition.name());
                builderType = Class.forName(PACKAGE + "metrics.LongCounterBuilder", false, loader);
            } else {
                Object doubles = meterType.getMethod("gaugeBuilder", String.class).invoke(meter, definition.name());
                builder = Class.forName(PACKAGE + "metrics.DoubleGaugeBuilder", false, loader).getMethod("ofLongs").invoke(doubles);
                builderType = Class.forName(PACKAGE + "metrics.LongGaugeBuilder", false, loader);
            }
            builderType.getMethod("setDescription", String.class).invoke(builder, definition.description());
            builderType.getMethod("setUnit", String.class).invoke(builder, definition.unit());
            Object attributes = attributes(loader, attributesType, definition);
            Consumer<Object> callback = measurement -> {
                try {
                    record.invoke(measurement, definition.reading().getAsLong(), attributes);
                } catch (IllegalAccessException | InvocationTargetException e) {
                    throw new IllegalStateException("recording " + definition.name() + ": " + e, e);
                }
            };
            builderType.getMethod("buildWithCallback", Consumer.class).invoke(builder, callback);
        }
        return Result.REGISTERED;
    }

    /** A histogram that records what the definition's {@link Distribution} records (a timer's nanoseconds as seconds). */
    private static void histogram(ClassLoader loader, Class<?> meterType, Object meter, MeterDefinition definition)
            throws ReflectiveOperationException {
        Object builder = meterType.getMethod("histogramBuilder", String.class).invoke(meter, definition.name());
        Class<?> builderType = Class.forName(PACKAGE + "metrics.DoubleHistogramBuilder", false, loader);
        builderType.getMethod("setDescription", String.class).invoke(builder, definition.description());
        builderType.getMethod("setUnit", String.class).invoke(builder, definition.unit());
        Object histogram = builderType.getMethod("build").invoke(builder);
        Method record = Class.forName(PACKAGE + "metrics.DoubleHistogram", false, loader).getMethod("record", double.class);
        double scale = definition.kind() == MeterDefinition.Kind.TIMER ? 1e-9 : 1;
        definition.distribution().attach(MeterExport.recording(definition, value -> record.invoke(histogram, value * scale)));
    }

    /** The definition's tags as OpenTelemetry attributes. */
    private static Object attributes(ClassLoader loader, Class<?> attributesType, MeterDefinition definition)
            throws ReflectiveOperationException {
        Object builder = attributesType.getMethod("builder").invoke(null);
        Class<?> builderType = Class.forName(PACKAGE + "common.AttributesBuilder", false, loader);
        Method put = builderType.getMethod("put", String.class, String.class);
        for (var tag : definition.tags().entrySet()) {
            put.invoke(builder, tag.getKey(), tag.getValue());
        }
        return builderType.getMethod("build").invoke(builder);
    }
}
