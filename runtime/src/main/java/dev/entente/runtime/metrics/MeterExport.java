package dev.entente.runtime.metrics;

import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the runtime's meters with a metrics library the application has, found in one of its class
 * loaders and called by reflection only: the agent puts no library on the application's class path, and an
 * application without the library sees nothing.
 */
interface MeterExport {

    Logger LOG = LoggerFactory.getLogger(MeterExport.class);

    enum Result {
        /** The meters are registered; this export is done. */
        REGISTERED,
        /** The library is not in this class loader. */
        ABSENT,
        /** The library is there, the application has not set up what the meters go to yet: ask again later. */
        NOT_YET
    }

    /** The library's name, for the log. */
    String library();

    /** Registers {@code meters} with the library as {@code loader} sees it, if it is there. */
    Result register(ClassLoader loader, List<MeterDefinition> meters) throws ReflectiveOperationException;

    /** A reflective call that records one value in a library's meter. */
    interface Recording {
        void record(long value) throws IllegalAccessException, InvocationTargetException;
    }

    /** {@code recording} as a {@link Distribution}'s listener: a meter that fails to record never fails the runtime's work. */
    static LongConsumer recording(MeterDefinition meter, Recording recording) {
        return value -> {
            try {
                recording.record(value);
            } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
                LOG.debug("recording {}: {}", meter.name(), e.toString());
            }
        };
    }
}
