package dev.entente.agent.instrumentation;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.pool.TypePool;

/**
 * The descriptions of types Byte Buddy read while matching, kept per class loader, so that the super
 * types a matcher walks ({@code Object}, {@code Executor}, a framework's base classes) are parsed once,
 * not again for every class that extends them: Byte Buddy's default strategy starts an empty cache for
 * each class it matches. The cache of each loader keeps the {@value #TYPES_PER_LOADER} most recently used
 * types (the super types in use stay; a class matched once goes), and a loader's cache goes with it.
 */
final class TypeCache extends AgentBuilder.PoolStrategy.WithTypePoolCache {

    private static final int TYPES_PER_LOADER = 1000;

    /**
     * The descriptions the advice transformers read (the advice classes, through the agent's own class files
     * first): kept apart from the instrumented classes' own, which are read through their loaders only, so
     * that neither meets a type as the other found it. Shared by every {@link AdviceTransformer} of a loader: advice
     * classes several instrumentations use (the servlet and filter advice) and the types they name are parsed once.
     */
    static final TypeCache ADVICE = new TypeCache();

    private final Map<ClassLoader, TypePool.CacheProvider> byLoader = new WeakHashMap<>();
    private final TypePool.CacheProvider bootLoader = new Recent();

    TypeCache() {
        super(TypePool.Default.ReaderMode.FAST);
    }

    @Override
    protected TypePool.CacheProvider locate(ClassLoader loader) {
        if (loader == null) {
            return bootLoader;
        }
        synchronized (byLoader) {
            return byLoader.computeIfAbsent(loader, any -> new Recent());
        }
    }

    /** The most recently used descriptions of one loader. */
    private static final class Recent implements TypePool.CacheProvider {
        private final Map<String, TypePool.Resolution> types = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, TypePool.Resolution> eldest) {
                return size() > TYPES_PER_LOADER;
            }
        };

        @Override
        public synchronized TypePool.Resolution find(String name) {
            return types.get(name);
        }

        @Override
        public synchronized TypePool.Resolution register(String name, TypePool.Resolution resolution) {
            TypePool.Resolution known = types.putIfAbsent(name, resolution);
            return known == null ? resolution : known;
        }

        @Override
        public synchronized void clear() {
            types.clear();
        }
    }
}
