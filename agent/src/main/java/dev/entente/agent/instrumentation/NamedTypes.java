package dev.entente.agent.instrumentation;

import java.security.ProtectionDomain;
import java.util.Set;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.utility.JavaModule;

/** The classes of the given binary names. */
final class NamedTypes implements TypeMatcher {

    private final Set<String> names;

    NamedTypes(String... names) {
        this.names = Set.of(names);
    }

    @Override
    public boolean mayMatch(ClassFile classFile, ClassLoader loader) {
        return names.contains(classFile.name());
    }

    @Override
    public boolean matches(TypeDescription type, ClassLoader loader, JavaModule module, Class<?> classBeingRedefined,
                           ProtectionDomain protectionDomain) {
        return names.contains(type.getName());
    }

    @Override
    public String toString() {
        return "named " + names;
    }
}
