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
 * observable long gauge.
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
        Method record = Class.forName(PACKAGE + "metrics.ObservableLongMeasurement", false, loader).getMethod("record", long.class);
        for (MeterDefinition definition : meters) {
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
            Consumer<Object> callback = measurement -> {
                try {
                    record.invoke(measurement, definition.reading().getAsLong());
                } catch (IllegalAccessException | InvocationTargetException e) {
                    throw new IllegalStateException("recording " + definition.name() + ": " + e, e);
                }
            };
            builderType.getMethod("buildWithCallback", Consumer.class).invoke(builder, callback);
        }
        return Result.REGISTERED;
    }
}
