package dev.entente.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;

import java.net.URL;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * Which of the super types the instrumentations look for ({@code java.sql.Connection}, {@code
 * java.util.concurrent.Executor}, {@code jakarta.servlet.Filter}, ...) a class has, found by one walk up its
 * hierarchy for all of them and remembered per class loader and type name. Byte Buddy's {@code
 * hasSuperType} walks the whole hierarchy again for every instrumentation and every class, resolving each
 * super type's generic signature on the way: on a Spring Boot app, a third of the agent's matching time. Here
 * a class costs the look-up of its direct super class and interfaces, whose answers are known already
 * once one class of a hierarchy has been seen.
 *
 * <p>The answer for a type is a bit set over the names asked for, so every name must be known before the
 * first class is matched: instrumentations ask for theirs when they are built, before the agent installs
 * (asking again for a known name later is fine).
 */
public final class SuperTypes {

    private static final SuperTypes INDEX = new SuperTypes();
    /** The bits of a type whose hierarchy could not be read (a super type's class file not found): all of them. */
    private static final long UNKNOWN = -1L;

    private final List<String> names = new ArrayList<>(); // bit i stands for names.get(i)
    private volatile boolean matching;
    private final Map<ClassLoader, Map<String, Long>> byLoader = new WeakHashMap<>();
    /** The JDK's types: no other loader may define a {@code java.*} class, so one map serves every loader. */
    private final Map<String, Long> jdk = new ConcurrentHashMap<>();
    /**
     * The answer for the class file asked about last: the filter asks once for each instrumentation that looks
     * for super types (about fifteen), one class file after the other; any thread may replace it.
     */
    private volatile Answer lastAnswer;

    private record Answer(ClassFile classFile, ClassLoader loader, long bits) {
    }

    private SuperTypes() {
    }

    /** Classes (not interfaces) that are, extend or implement one of {@code superTypes}, named by binary name. */
    public static ClassesOf classesOf(String... superTypes) {
        return new ClassesOf(INDEX, INDEX.bitsOf(superTypes), List.of(superTypes), List.of());
    }

    private synchronized long bitsOf(String... superTypes) {
        long bits = 0;
        for (String name : superTypes) {
            int bit = names.indexOf(name);
            if (bit < 0) {
                if (matching) { // the types remembered so far would lack its bit
                    throw new IllegalStateException("super type " + name + " (of " + Arrays.toString(superTypes)
                            + ") first asked for after matching began: an instrumentation must ask when it is built");
                }
                if (names.size() == Long.SIZE) {
                    throw new IllegalStateException("more than " + Long.SIZE + " super types to look for: " + names);
                }
                names.add(name);
                bit = names.size() - 1;
            }
            bits |= 1L << bit;
        }
        return bits;
    }

    /** The bits of the names asked for that {@code type}, as {@code loader} sees its hierarchy, is or has as super type. */
    private long bits(TypeDescription type, ClassLoader loader) {
        matching = true;
        String name = type.getName();
        Map<String, Long> known = known(name, loader);
        Long bits = known.get(name);
        if (bits == null) {
            long found = own(name);
            TypeDescription.Generic superClass = type.getSuperClass();
            if (superClass != null) {
                found |= bits(superClass.asErasure(), loader);
            }
            for (TypeDescription.Generic implemented : type.getInterfaces()) {
                found |= bits(implemented.asErasure(), loader);
            }
            bits = found;
            known.put(name, bits);
        }
        return bits;
    }

    /**
     * The bits of the class {@code classFile} holds, its super types read from their class files as {@code
     * loader} finds them ({@link #UNKNOWN} where one cannot be found): the class is being loaded, so its super
     * types often are not yet.
     */
    private long bits(ClassFile classFile, ClassLoader loader) {
        Answer last = lastAnswer;
        if (last != null && last.classFile() == classFile && last.loader() == loader) {
            return last.bits();
        }
        matching = true;
        String name = classFile.name();
        Long known = known(name, loader).get(name);
        long bits = known != null ? known : remember(name, loader, fromClassFile(classFile, loader));
        lastAnswer = new Answer(classFile, loader, bits);
        return bits;
    }

    private long fromClassFile(ClassFile classFile, ClassLoader loader) {
        long found = own(classFile.name());
        String superName = classFile.superName();
        if (superName != null) {
            found |= bitsNamed(superName, loader, classFile.codeSource());
        }
        for (String implemented : classFile.interfaceNames()) {
            found |= bitsNamed(implemented, loader, classFile.codeSource());
        }
        return found;
    }

    /** The bits of the super type {@code name}, its class file looked for first {@code beside} its sub type's. */
    private long bitsNamed(String name, ClassLoader loader, URL beside) {
        Long bits = known(name, loader).get(name);
        if (bits != null) {
            return bits;
        }
        ClassFile classFile = ClassFiles.find(name, loader, beside);
        return classFile == null ? UNKNOWN : remember(name, loader, fromClassFile(classFile, loader));
    }

    private long remember(String name, ClassLoader loader, long bits) {
        if (bits != UNKNOWN) {
            known(name, loader).put(name, bits);
        }
        return bits;
    }

    private long own(String name) {
        int bit = names.indexOf(name);
        return bit < 0 ? 0 : 1L << bit;
    }

    private Map<String, Long> known(String name, ClassLoader loader) {
        if (loader == null || name.startsWith("java.")) {
            return jdk;
        }
        synchronized (byLoader) {
            return byLoader.computeIfAbsent(loader, any -> new ConcurrentHashMap<>());
        }
    }

    /** The matcher of {@link #classesOf}. */
    public static final class ClassesOf implements TypeMatcher {
        private final SuperTypes index;
        private final long wanted;
        private final List<String> superTypes;
        private final List<String> excluded;

        private ClassesOf(SuperTypes index, long wanted, List<String> superTypes, List<String> excluded) {
            this.index = index;
            this.wanted = wanted;
            this.superTypes = superTypes;
            this.excluded = excluded;
        }

        /** These classes but {@code typeNames}. */
        public ClassesOf excluding(String... typeNames) {
            return new ClassesOf(index, wanted, superTypes, List.of(typeNames));
        }

        @Override
        public boolean mayMatch(ClassFile classFile, ClassLoader loader) {
            return !classFile.isInterface() && (excluded.isEmpty() || !excluded.contains(classFile.name()))
                    && (index.bits(classFile, loader) & wanted) != 0;
        }

        @Override
        public boolean matches(TypeDescription type, ClassLoader loader, JavaModule module, Class<?> classBeingRedefined,
                               ProtectionDomain protectionDomain) {
            return !type.isInterface() && !excluded.contains(type.getName()) && (index.bits(type, loader) & wanted) != 0;
        }

        /** The same classes, as Byte Buddy's own (slower) matchers tell them: for tests. */
        ElementMatcher<TypeDescription> reference() {
            return not(isInterface()).and(not(namedOneOf(excluded.toArray(String[]::new))))
                    .and(hasSuperType(namedOneOf(superTypes.toArray(String[]::new))));
        }

        @Override
        public String toString() {
            return "classes of " + superTypes + (excluded.isEmpty() ? "" : " but " + excluded);
        }
    }
}
