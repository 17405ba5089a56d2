package dev.entente.agent.instrumentation;

import java.time.Duration;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Loads a super type of a class being defined, on a thread of its own, so that its hierarchy can be read from
 * the loaded classes. The JVM loads a class's super types right after the class's file is transformed anyway;
 * reading their class files through the loader first ({@code getResource}, then a {@code jar:} URL's stream)
 * did that work twice: half of the agent's start-up cost on a Spring Boot app. HotSpot posts no
 * ClassFileLoadHook for a class loaded on the thread that is transforming, so the type is not loaded there: on
 * another thread it goes through the transformer as any class does.
 *
 * <p>Only for loaders registered as parallel capable: the transforming thread holds the lock of its class's
 * name, not the loader's, so the other thread can load. A type not loaded within {@link #PATIENCE} (a loader
 * that waits for the transforming thread after all) is left to the caller, which reads its class file; that
 * loader is not asked again.
 */
final class SuperTypeLoading {

    private static final Duration PATIENCE = Duration.ofSeconds(1);

    private final ThreadPoolExecutor loaders = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 5, TimeUnit.SECONDS,
            new SynchronousQueue<>(), task -> {
                Thread thread = new Thread(task, "entente-agent-super-types");
                thread.setDaemon(true);
                return thread;
            });
    /** Loaders that kept a transforming thread waiting: their super types are read from class files. */
    private final Set<ClassLoader> slow = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    /** The class {@code loader} loads for {@code name}, or empty when it cannot be loaded here and now. */
    Optional<Class<?>> load(String name, ClassLoader loader) {
        if (loader == null || !loader.isRegisteredAsParallelCapable() || slow.contains(loader)) {
            return Optional.empty();
        }
        Future<Class<?>> loading = loaders.submit(() -> Class.forName(name, false, loader));
        try {
            return Optional.of(loading.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException notLoaded) {
            return Optional.empty();
        } catch (TimeoutException waitsForUs) {
            slow.add(loader);
            return Optional.empty(); // it may load later, to no harm: the JVM loads it next anyway
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
