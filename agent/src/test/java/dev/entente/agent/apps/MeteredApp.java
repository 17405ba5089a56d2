package dev.entente.agent.apps;

import dev.entente.api.GlobalTransactional;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * An application with a metrics library of its own, set up as applications do at their start: with
 * {@code micrometer}, a registry added to Micrometer's global one (what Spring Boot does with its own);
 * with {@code opentelemetry}, an SDK meter provider set as the global OpenTelemetry. It runs one global
 * transaction that writes to PostgreSQL and MariaDB and commits, and one that writes to both and throws,
 * then prints every {@code entente.*} meter its library holds once recovery's in-doubt gauge reads 0, a line
 * {@code meter NAME VALUE} each (a timer's or histogram's value: how many values it recorded)
 * (with {@code micrometer}, it then sets the global OpenTelemetry, late).
 * Arguments: the library, the PostgreSQL URL, the MariaDB URL.
 */
public final class MeteredApp {

    private final String postgres;
    private final String mariadb;

    private MeteredApp(String postgres, String mariadb) {
        this.postgres = postgres;
        this.mariadb = mariadb;
    }

    public static void main(String[] args) throws Exception {
        Supplier<List<String>> meters = switch (args[0]) {
            case "micrometer" -> micrometer();
            case "opentelemetry" -> openTelemetry();
            default -> throw new IllegalArgumentException("no such library: " + args[0]);
        };
        MeteredApp app = new MeteredApp(args[1], args[2]);
        app.createTables();
        System.out.println("transfer: " + app.transfer(1));
        try {
            app.transferAndFail(2);
        } catch (IllegalStateException e) {
            System.out.println("failed transfer: " + e.getMessage());
        }
        inDoubtSettled(meters).forEach(meter -> System.out.println("meter " + meter));
        if (args[0].equals("micrometer")) {
            setOpenTelemetryLate();
        }
        System.out.println("done");
    }

    /**
     * The meters once recovery's in-doubt gauge reads 0, read again until it does (for at most 15 s; then as
     * they are): a recovery scan that ran while a transaction's branch was prepared and its decision not yet
     * made counted it in doubt until the resource's next scan (every {@code recovery-interval}, 1 s here), though
     * both transactions have ended.
     */
    private static List<String> inDoubtSettled(Supplier<List<String>> meters) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        List<String> read = meters.get();
        while (read.stream().noneMatch(meter -> meter.matches("entente\\.rm\\.recovery\\.in\\.doubt .* 0(\\.0)?"))
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
            read = meters.get();
        }
        return read;
    }

    /**
     * An application that sets the global OpenTelemetry after its first transactions, as one whose SDK
     * starts late would: the agent looked for it then and must have left it unset.
     */
    private static void setOpenTelemetryLate() {
        try {
            GlobalOpenTelemetry.set(OpenTelemetry.noop());
            System.out.println("set the global OpenTelemetry late: ok");
        } catch (IllegalStateException e) {
            System.out.println("set the global OpenTelemetry late: " + e);
        }
    }

    @GlobalTransactional
    public String transfer(int id) throws SQLException {
        insert(postgres, id);
        insert(mariadb, id);
        return "inserted " + id;
    }

    @GlobalTransactional
    public void transferAndFail(int id) throws SQLException {
        insert(postgres, id);
        insert(mariadb, id);
        throw new IllegalStateException("fails after both inserts (as asked)");
    }

    private void createTables() throws SQLException {
        for (String url : List.of(postgres, mariadb)) {
            try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
                statement.executeUpdate("create table transfers (id int primary key)");
            }
        }
    }

    private static void insert(String url, int id) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.executeUpdate("insert into transfers values (" + id + ")");
        }
    }

    /** The application's registry, added to the global one; reads back what it holds. */
    private static Supplier<List<String>> micrometer() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Metrics.addRegistry(registry);
        return () -> registry.getMeters().stream().filter(meter -> meter.getId().getName().startsWith("entente."))
                .map(meter -> meter.getId().getName() + tags(meter) + " " + meter.getId().getType() + " " + value(meter)).sorted()
                .toList();
    }

    private static String tags(Meter meter) {
        return meter.getId().getTags().isEmpty() ? "" : meter.getId().getTags().stream()
                .map(tag -> tag.getKey() + "=" + tag.getValue()).collect(Collectors.joining(",", "{", "}"));
    }

    private static double value(Meter meter) {
        return meter.measure().iterator().next().getValue();
    }

    /** An SDK meter provider with a reader that collects when asked, set as the global OpenTelemetry. */
    private static Supplier<List<String>> openTelemetry() {
        Collecting reader = new Collecting();
        SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build();
        GlobalOpenTelemetry.set(new OpenTelemetry() {
            @Override
            public TracerProvider getTracerProvider() {
                return TracerProvider.noop();
            }

            @Override
            public MeterProvider getMeterProvider() {
                return provider;
            }

            @Override
            public ContextPropagators getPropagators() {
                return ContextPropagators.noop();
            }
        });
        return () -> reader.registration.collectAllMetrics().stream().filter(metric -> metric.getName().startsWith("entente."))
                .map(metric -> metric.getName() + " " + metric.getType() + " " + metric.getUnit() + " " + value(metric))
                .sorted().toList();
    }

    /** A counter's or gauge's value; a histogram's count of values recorded. */
    private static long value(MetricData metric) {
        return metric.getData().getPoints().stream().mapToLong(point -> point instanceof HistogramPointData histogram
                ? histogram.getCount() : ((LongPointData) point).getValue()).sum();
    }

    /** Collects when the application asks, as an exporter's reader would on its schedule. */
    private static final class Collecting implements MetricReader {
        volatile CollectionRegistration registration = CollectionRegistration.noop();

        @Override
        public void register(CollectionRegistration registration) {
            this.registration = registration;
        }

        @Override
        public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
            return AggregationTemporality.CUMULATIVE;
        }

        @Override
        public CompletableResultCode forceFlush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
