package dev.entente.coordinator.admin;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * The JVM's and the process's meters, as Micrometer's binders name them ({@code jvm_memory_used_bytes},
 * {@code jvm_gc_pause_seconds}, {@code jvm_threads_live_threads}, {@code process_cpu_usage},
 * {@code process_uptime_seconds}, {@code process_files_open_files}, ...): what an operator looks at first
 * when a node is slow, before any of Entente's own.
 */
final class JvmMeters implements AutoCloseable {

    /** Listens to the JVM's GC notifications until closed. */
    private final JvmGcMetrics gc = new JvmGcMetrics();

    JvmMeters(MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    @Override
    public void close() {
        gc.close();
    }
}
