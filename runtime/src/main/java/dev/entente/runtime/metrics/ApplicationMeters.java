package dev.entente.runtime.metrics;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the runtime's meters where the application's own meters are: its Micrometer global registry, its
 * OpenTelemetry, or both, whichever its class loaders have. The libraries are looked for through the class
 * loader of each application class that runs an annotated method, the first time it does ({@link #seen});
 * the agent's own class loader sees neither. Each library gets the meters once; an OpenTelemetry that the
 * application has not set yet is looked for again at the next class.
 */
public final class ApplicationMeters {

    private static final Logger LOG = LoggerFactory.getLogger(ApplicationMeters.class);

    private final List<MeterDefinition> meters;
    /** The exports that have not registered the meters yet. */
    private final List<MeterExport> waiting;
    private final ClassValue<Boolean> offered = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            offer(type.getClassLoader());
            return Boolean.TRUE;
        }
    };

    public ApplicationMeters(List<MeterDefinition> meters) {
        this(meters, List.of(new MicrometerExport(), new OpenTelemetryExport()));
    }

    ApplicationMeters(List<MeterDefinition> meters, List<MeterExport> exports) {
        this.meters = List.copyOf(meters);
        this.waiting = new ArrayList<>(exports);
    }

    /** An application class runs an annotated method: the libraries its class loader sees get the meters. */
    public void seen(Class<?> type) {
        offered.get(type);
    }

    /** The libraries {@code loader} sees get the meters, unless they have them already. */
    public synchronized void offer(ClassLoader loader) {
        if (loader == null || waiting.isEmpty()) {
            return;
        }
        waiting.removeIf(export -> {
            try {
                if (export.register(loader, meters) != MeterExport.Result.REGISTERED) {
                    return false;
                }
                LOG.info("Entente: its meters ({}) registered with the application's {}", names(), export.library());
                return true;
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                LOG.warn("Entente: could not register its meters with the application's {} ({}); they are not exported there",
                        export.library(), e.toString());
                return true;
            }
        });
    }

    private String names() {
        return String.join(", ", meters.stream().map(MeterDefinition::name).distinct().toList());
    }
}
