package dev.entente.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.isAnnotatedWith;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;

import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.List;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * The classes that declare a method carrying one of the given annotations. A class file names every
 * annotation used in it in its constant pool ({@code Ldev/entente/api/Locked;}), so a class whose pool names
 * none is no such class, told without parsing its methods.
 */
final class AnnotatedTypes implements TypeMatcher {

    private final List<byte[]> descriptors;
    private final ElementMatcher<TypeDescription> declaring;

    AnnotatedTypes(String... annotationTypes) {
        descriptors = List.of(annotationTypes).stream()
                .map(name -> ("L" + name.replace('.', '/') + ";").getBytes(StandardCharsets.US_ASCII)).toList();
        declaring = declaresMethod(isAnnotatedWith(namedOneOf(annotationTypes)));
    }

    @Override
    public boolean mayMatch(ClassFile classFile, ClassLoader loader) {
        for (byte[] descriptor : descriptors) {
            if (classFile.mentions(descriptor)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean matches(TypeDescription type, ClassLoader loader, JavaModule module, Class<?> classBeingRedefined,
                           ProtectionDomain protectionDomain) {
        return declaring.matches(type);
    }

    @Override
    public String toString() {
        return "declaring methods annotated with one of " + descriptors.stream().map(String::new).toList();
    }
}
