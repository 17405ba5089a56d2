package dev.entente.api;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Finds Entente's context holders (the XID binding, the fencing tokens): on the bootstrap class path
 * when the agent is attached, else beside the api classes when the runtime is used as a library;
 * absent when Entente is not there at all. The application's api jar and the runtime's never share
 * state directly, since the agent loads its own copy in an isolated class loader.
 */
final class EntenteContext {

    private EntenteContext() {
    }

    /** The public static method {@code name} of bootstrap class {@code className}, or null if Entente is absent. */
    static MethodHandle find(String className, String name, MethodType type) {
        for (ClassLoader loader : new ClassLoader[] {null, EntenteContext.class.getClassLoader()}) {
            try {
                Class<?> context = Class.forName(className, true, loader);
                return MethodHandles.publicLookup().findStatic(context, name, type);
            } catch (ReflectiveOperationException | LinkageError notThere) {
                // try the next loader
            }
        }
        return null;
    }
}
