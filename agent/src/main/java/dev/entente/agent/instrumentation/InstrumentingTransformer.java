package dev.entente.agent.instrumentation;

import dev.entente.runtime.OwnContextLoader;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

/**
 * The agent's class-file transformer: hands back untouched every class the filter rules out
 * ({@link InstrumentedTypesFilter}) and has the others woven ({@link Weaver}, made ahead in the background,
 * or at the first class that needs it). The agent's own classes are left alone; a class it cannot weave is
 * logged and loaded as it is: nothing is thrown into the application. A class of a named module (the JDK's
 * executors and HTTP classes) is made to read the module of the hook classes its advice calls.
 */
final class InstrumentingTransformer implements ClassFileTransformer {

    /**
     * Set while this thread transforms a class. HotSpot reports no class loaded meanwhile on the same thread (a
     * class the loader loads to find a super type's class file, Byte Buddy's or the JDK's classes); the guard
     * keeps it so on any JVM, as Byte Buddy's own circularity lock did.
     */
    private static final ThreadLocal<boolean[]> TRANSFORMING = ThreadLocal.withInitial(() -> new boolean[1]); // a flag: no map entry made and removed per class

    /** A class that came while the weaver was being made, on the thread making it: woven once it is made. */
    private record Deferred(String typeName, ClassLoader loader) {
    }

    private final Instrumentation instrumentation;
    private final InstrumentedTypesFilter filter;
    private final List<TypeInstrumentation> instrumentations;
    private final List<TypeMatcher> matchers;
    private final ClassLoader own = InstrumentingTransformer.class.getClassLoader();
    private final Module hooks;
    private final boolean logTransformations;
    private volatile Weaver weaver;
    /** The thread making the weaver, while it does (guarded by this). */
    private Thread making;
    private final List<Deferred> deferred = new ArrayList<>(); // guarded by this

    InstrumentingTransformer(Instrumentation instrumentation, List<TypeInstrumentation> instrumentations, Module hooks,
                             boolean logTransformations) {
        this.instrumentation = instrumentation;
        this.instrumentations = List.copyOf(instrumentations);
        this.matchers = instrumentations.stream().map(TypeInstrumentation::types).toList();
        this.filter = new InstrumentedTypesFilter(matchers);
        this.hooks = hooks;
        this.logTransformations = logTransformations;
    }

    /**
     * Starts transforming the classes the JVM loads from now on, makes the weaver in the background, and has
     * the classes loaded before, which the filter may let through, go through the transformer too.
     */
    void install() {
        instrumentation.addTransformer(this, true);
        prepareInBackground();
        for (Class<?> loaded : instrumentation.getAllLoadedClasses()) {
            if (instrumentation.isModifiableClass(loaded) && mayNeedWeaving(loaded)) {
                retransform(loaded, "loaded before the agent");
            }
        }
    }

    /**
     * Whether a class loaded before the agent may need weaving: not the agent's own, not ignored by name, and
     * let through by the filter as its loader finds its class file (or not found there: the weaver tells).
     */
    boolean mayNeedWeaving(Class<?> loaded) {
        try {
            if (loaded.isArray() || loaded.isPrimitive() || loaded.isHidden() || loaded.getClassLoader() == own
                    || filter.ignores(loaded.getName())) {
                return false;
            }
            ClassFile classFile = ClassFiles.find(loaded.getName(), loaded.getClassLoader());
            return classFile == null || filter.mayMatch(loaded.getClassLoader(), classFile);
        } catch (RuntimeException | LinkageError unreadable) {
            return true; // the weaver tells, and reports what is wrong
        }
    }

    /** Whether Byte Buddy's weaver has been made (in the background, or at the first class that needed it). */
    boolean weaverMade() {
        return weaver != null;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classFile) {
        boolean[] transforming = TRANSFORMING.get();
        if (internalName == null || loader == own || transforming[0]) {
            return null;
        }
        transforming[0] = true;
        String typeName = internalName;
        try {
            if (!filter.mayMatch(loader, internalName, classFile, codeSource(protectionDomain))) {
                return null;
            }
            typeName = internalName.replace('/', '.');
            Weaver made = weaver(typeName, loader);
            byte[] woven = made == null ? null : made.weave(module, loader, typeName, classBeingRedefined, protectionDomain, classFile);
            if (woven != null) {
                readHooks(module);
                if (logTransformations) {
                    log().debug("instrumented {}", typeName);
                }
            }
            return woven;
        } catch (Throwable failure) {
            log().warn("could not instrument {}: {}", typeName, failure.toString());
            return null;
        } finally {
            transforming[0] = false;
        }
    }

    /**
     * Makes the weaver on a thread of its own, now: nearly every application soon loads a class to weave (a
     * thread pool, a JDBC driver), and on a machine with a second core idle the making leaves its start.
     * (Warming it up there too, by weaving a few JDK classes, was measured: the small main 50 ms slower, the
     * Spring Boot app no faster.)
     */
    private void prepareInBackground() {
        Thread prepare = new Thread(() -> {
            try {
                weaver(null, null);
            } catch (RuntimeException | LinkageError e) {
                log().warn("could not prepare the instrumentation: {}", e.toString()); // met again at the first class to weave
            }
        }, "entente-agent-start");
        prepare.setDaemon(true);
        prepare.start();
    }

    /**
     * The weaver, made now if it is not yet; null if this very thread is making it ({@code typeName} of
     * {@code loader} came while Byte Buddy's classes loaded): that class is woven once the weaver is made.
     */
    private Weaver weaver(String typeName, ClassLoader loader) {
        Weaver made = weaver;
        if (made != null) {
            return made;
        }
        List<Deferred> comeMeanwhile;
        synchronized (this) {
            if (weaver != null) {
                return weaver;
            }
            if (making == Thread.currentThread()) {
                deferred.add(new Deferred(typeName, loader));
                return null;
            }
            making = Thread.currentThread();
            try {
                made = new Weaver(instrumentations, matchers);
            } finally {
                making = null;
            }
            weaver = made;
            comeMeanwhile = List.copyOf(deferred);
            deferred.clear();
        }
        for (Deferred late : comeMeanwhile) {
            try {
                retransform(Class.forName(late.typeName(), false, late.loader()), "loaded while the instrumentation was prepared");
            } catch (ClassNotFoundException | LinkageError e) {
                log().warn("could not instrument {}, loaded while the instrumentation was prepared: {}", late.typeName(), e.toString());
            }
        }
        return made;
    }

    private void retransform(Class<?> type, String when) {
        try {
            instrumentation.retransformClasses(type);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            log().warn("could not instrument {}, {}: {}", type.getName(), when, e.toString());
        }
    }

    private static URL codeSource(ProtectionDomain protectionDomain) {
        return protectionDomain == null || protectionDomain.getCodeSource() == null ? null : protectionDomain.getCodeSource().getLocation();
    }

    /** Advice calls the hook classes: a named module (the JDK's) must read theirs, the boot loader's unnamed module. */
    private void readHooks(Module module) {
        if (module != null && module.isNamed() && !module.canRead(hooks)) {
            instrumentation.redefineModule(module, Set.of(hooks), Map.of(), Map.of(), Set.of(), Map.of());
        }
    }

    private static Logger log() {
        return OwnContextLoader.logger(Instrumentations.class);
    }

    @Override
    public String toString() {
        return "Entente's transformer of " + filter;
    }
}
