package dev.entente.runtime;

import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Entente's set-up code with Entente's own class loader as the thread's context class loader:
 * libraries that find their configuration through it (SLF4J's simple logger reads {@code
 * simplelogger.properties} that way, once, when the first logger is made) then find Entente's, whichever
 * application thread happens to start them; the threads they start meanwhile (ZooKeeper's, gRPC's) inherit it.
 */
public final class OwnContextLoader {

    private OwnContextLoader() {
    }

    public static <T> T call(Supplier<T> work) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(OwnContextLoader.class.getClassLoader());
        try {
            return work.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** The logger of {@code type}, made (and SLF4J set up, the first time) under Entente's own class loader. */
    public static Logger logger(Class<?> type) {
        return call(() -> LoggerFactory.getLogger(type));
    }
}
