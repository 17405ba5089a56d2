package dev.entente.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;

import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.TypeResolutionStrategy;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

/**
 * Byte Buddy's part: describes a class the filter let through, runs every instrumentation's exact matcher on
 * the description, and inlines the advice of those that match into the class file, changing no class format
 * (no field, method or initializer is added, so loaded classes can be retransformed). A class being loaded is
 * described from its class file (through the per-loader {@link TypeCache}), a loaded one being retransformed
 * from the class itself. Made at the first class that needs it: an application that loads none never loads
 * Byte Buddy's weaving code.
 */
final class Weaver {

    /** One instrumentation as the weaver applies it: which classes, and what is done to them. */
    private record Instrumented(TypeMatcher types, AgentBuilder.Transformer transformer) {
    }

    /** Decorates the classes to weave: no validation, no added members, advice into declared methods only. */
    static final ByteBuddy BYTE_BUDDY = new ByteBuddy()
            .with(TypeValidation.DISABLED)
            .with(Implementation.Context.Disabled.Factory.INSTANCE)
            .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE); // advice goes into declared methods only: no walk of the hierarchy
    private final AgentBuilder.PoolStrategy pools = new TypeCache();
    private final List<Instrumented> instrumented = new ArrayList<>();

    /** {@code matchers}: the {@link TypeInstrumentation#types} of {@code instrumentations}, in their order, made once. */
    Weaver(List<TypeInstrumentation> instrumentations, List<TypeMatcher> matchers) {
        for (int i = 0; i < instrumentations.size(); i++) {
            instrumented.add(new Instrumented(matchers.get(i), instrumentations.get(i).transformer()));
        }
    }

    /**
     * The class file of {@code typeName} with the advice of every instrumentation that matches it woven in, or
     * null if none matches. {@code classBeingRedefined} is null for a class being loaded.
     */
    byte[] weave(Module module, ClassLoader loader, String typeName, Class<?> classBeingRedefined, ProtectionDomain protectionDomain,
                 byte[] classFile) {
        ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(typeName, classFile),
                loader == null ? ClassFileLocator.ForClassLoader.ofBootLoader() : ClassFileLocator.ForClassLoader.WeaklyReferenced.of(loader));
        TypePool pool = pools.typePool(locator, loader, typeName);
        TypeDescription type = classBeingRedefined == null ? pool.describe(typeName).resolve()
                : TypeDescription.ForLoadedType.of(classBeingRedefined);
        if (isSynthetic().matches(type)) {
            return null;
        }
        JavaModule javaModule = module == null ? null : JavaModule.of(module);
        DynamicType.Builder<?> builder = null;
        for (Instrumented instrumentation : instrumented) {
            if (instrumentation.types().matches(type, loader, javaModule, classBeingRedefined, protectionDomain)) {
                builder = instrumentation.transformer().transform(builder == null ? BYTE_BUDDY.decorate(type, locator) : builder,
                        type, loader, javaModule, protectionDomain);
            }
        }
        return builder == null ? null : builder.make(TypeResolutionStrategy.Disabled.INSTANCE, pool).getBytes();
    }
}
