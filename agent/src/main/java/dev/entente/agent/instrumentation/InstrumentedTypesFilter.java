package dev.entente.agent.instrumentation;

import java.net.URL;
import java.util.List;

/**
 * Tells, from the start of a class file ({@link ClassFile}), the classes no instrumentation may match
 * ({@link TypeMatcher#mayMatch}): nearly every class an application loads. Only the others are described by
 * Byte Buddy ({@link Weaver}), which would parse each class whole, and read its super types' class files,
 * before its matchers could say no; on a Spring Boot app that was most of the agent's start-up cost.
 */
final class InstrumentedTypesFilter {

    private final List<TypeMatcher> matchers;
    private final IgnoredTypes ignored = new IgnoredTypes();

    InstrumentedTypesFilter(List<TypeMatcher> matchers) {
        this.matchers = List.copyOf(matchers);
    }

    /** Whether the class of this binary or internal name is one the agent never instruments, told by its name alone. */
    boolean ignores(String typeName) {
        return ignored.ignores(typeName);
    }

    /**
     * False only for a class no instrumentation matches; true too where that cannot be told cheaply. {@code
     * name}: its binary or internal name. Its super types' class files are looked for first in {@code
     * codeSource}, the jar or folder it comes from (null: unknown).
     */
    boolean mayMatch(ClassLoader loader, String name, byte[] bytes, URL codeSource) {
        if (ignores(name)) {
            return false;
        }
        if (bytes == null) {
            return true;
        }
        ClassFile classFile;
        try {
            classFile = ClassFile.of(bytes, codeSource);
        } catch (RuntimeException unreadable) {
            return true; // Byte Buddy reads it and reports what is wrong with it
        }
        return mayMatch(loader, classFile);
    }

    /** False only if no instrumentation matches the class of {@code classFile} as {@code loader} defines it. */
    boolean mayMatch(ClassLoader loader, ClassFile classFile) {
        try {
            for (TypeMatcher matcher : matchers) {
                if (matcher.mayMatch(classFile, loader)) {
                    return true;
                }
            }
            return false;
        } catch (RuntimeException unreadable) {
            return true;
        }
    }

    @Override
    public String toString() {
        return "classes that " + matchers + " may match";
    }
}
