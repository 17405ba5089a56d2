package dev.entente.agent;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Defines the hook classes ({@code dev.entente.bootstrap}) in the boot loader, where advice inlined into
 * any class, the JDK's included, can reach them. They are defined one by one rather than by appending a
 * jar to the boot class path: an appended boot class path turns class-data sharing off for every class
 * of the application (the JVM says so at start-up), which costs every start.
 *
 * <p>The JDK's internal {@code Unsafe.defineClass} is the only way to define a class in the boot loader
 * at run time; it is opened to this agent's own module only (through {@link Instrumentation#redefineModule}),
 * never to the application's.
 */
public final class BootstrapClasses {

    private BootstrapClasses() {
    }

    /** Called reflectively by {@link EntenteAgent#premain}: {@code classes} by binary name. */
    public static void define(Instrumentation instrumentation, Map<String, byte[]> classes) throws ReflectiveOperationException {
        Module javaBase = Object.class.getModule();
        instrumentation.redefineModule(javaBase, Set.of(), Map.of("jdk.internal.misc", Set.of(BootstrapClasses.class.getModule())),
                Map.of(), Set.of(), Map.of());
        Class<?> unsafeType = Class.forName("jdk.internal.misc.Unsafe");
        Object unsafe = unsafeType.getMethod("getUnsafe").invoke(null);
        Method defineClass = unsafeType.getMethod("defineClass", String.class, byte[].class, int.class, int.class,
                ClassLoader.class, java.security.ProtectionDomain.class);
        // a class is defined after its super types: define what can be, again and again, until all are
        Map<String, byte[]> pending = new LinkedHashMap<>(classes);
        while (!pending.isEmpty()) {
            int before = pending.size();
            for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
                var next = it.next();
                if (defined(next.getKey())) {
                    it.remove();
                    continue;
                }
                try {
                    defineClass.invoke(unsafe, next.getKey(), next.getValue(), 0, next.getValue().length, null, null);
                    it.remove();
                } catch (java.lang.reflect.InvocationTargetException e) {
                    if (!(e.getCause() instanceof NoClassDefFoundError)) {
                        throw new IllegalStateException("cannot define hook class " + next.getKey() + " in the boot loader",
                                e.getCause());
                    }
                }
            }
            if (pending.size() == before) {
                throw new IllegalStateException("cannot define hook classes " + pending.keySet()
                        + " in the boot loader: a super type is missing from the agent jar");
            }
        }
    }

    private static boolean defined(String name) {
        try {
            Class.forName(name, false, null);
            return true;
        } catch (ClassNotFoundException notYet) {
            return false;
        }
    }
}
