package dev.entente.agent.instrumentation;

import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

/**
 * Inlines advice classes into the methods they are given for, as Byte Buddy's {@code
 * AgentBuilder.Transformer.ForAdvice} does with the same settings (what an advice method asks to suppress is
 * suppressed, the default assigner, the advice classes read from the agent's own class files), but resolves each advice once
 * per class loader of the instrumented classes rather than once per class woven: resolving (reading the
 * advice's class file, parsing its annotations and building its dispatchers) was a fifth to a third of the weaving time
 * on a Spring Boot app's start. The advice classes live in the agent's class loader, which the instrumented
 * classes' loaders cannot see; the types they name are resolved as each of those loaders sees them
 * ({@link TypeCache#ADVICE}).
 */
public final class AdviceTransformer implements AgentBuilder.Transformer {

    private static final ClassFileLocator OWN_CLASS_FILES = ClassFileLocator.ForClassLoader.of(AdviceTransformer.class.getClassLoader());

    /** One advice class and the methods it goes into. */
    private record Entry(ElementMatcher<? super MethodDescription> methods, String adviceName) {
    }

    private final List<Entry> entries;
    /** Per loader of instrumented classes, each entry's advice resolved; the boot loader's apart (a weak map takes no null). */
    private final Map<ClassLoader, List<Advice>> resolved = new WeakHashMap<>(); // guarded by itself
    private volatile List<Advice> resolvedForBootLoader;

    private AdviceTransformer(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** No advice yet: add it with {@link #advice}. */
    static AdviceTransformer none() {
        return new AdviceTransformer(List.of());
    }

    /** This transformer with {@code adviceName} (a binary name of the agent's class) inlined into {@code methods} too. */
    public AdviceTransformer advice(ElementMatcher<? super MethodDescription> methods, String adviceName) {
        List<Entry> more = new ArrayList<>(entries);
        more.add(new Entry(methods, adviceName));
        return new AdviceTransformer(more);
    }

    @Override
    public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type, ClassLoader loader, JavaModule module,
                                            ProtectionDomain protectionDomain) {
        List<Advice> advice = adviceFor(loader, module);
        AsmVisitorWrapper.ForDeclaredMethods visitor = new AsmVisitorWrapper.ForDeclaredMethods();
        for (int i = 0; i < entries.size(); i++) {
            visitor = visitor.invokable(entries.get(i).methods(), advice.get(i));
        }
        return builder.visit(visitor);
    }

    private List<Advice> adviceFor(ClassLoader loader, JavaModule module) {
        if (loader == null) {
            List<Advice> known = resolvedForBootLoader;
            if (known == null) {
                known = resolve(null, module);
                resolvedForBootLoader = known;
            }
            return known;
        }
        synchronized (resolved) {
            List<Advice> known = resolved.get(loader);
            if (known != null) {
                return known;
            }
        }
        List<Advice> made = resolve(loader, module); // outside the lock: resolving may load classes through other loaders
        synchronized (resolved) {
            return resolved.computeIfAbsent(loader, any -> made);
        }
    }

    private List<Advice> resolve(ClassLoader loader, JavaModule module) {
        ClassFileLocator classFiles = new ClassFileLocator.Compound(OWN_CLASS_FILES,
                AgentBuilder.LocationStrategy.ForClassLoader.WEAK.classFileLocator(loader, module));
        TypePool types = TypeCache.ADVICE.typePool(classFiles, loader);
        List<Advice> advice = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            advice.add(Advice.withCustomMapping().to(types.describe(entry.adviceName()).resolve(), classFiles)
                    .withAssigner(Assigner.DEFAULT).withExceptionHandler(Advice.ExceptionHandler.Default.SUPPRESSING));
        }
        return List.copyOf(advice);
    }

    /** The same advice as Byte Buddy's own transformer applies it, resolving it anew for every class: for tests. */
    AgentBuilder.Transformer.ForAdvice reference() {
        AgentBuilder.Transformer.ForAdvice forAdvice = new AgentBuilder.Transformer.ForAdvice()
                .include(AdviceTransformer.class.getClassLoader()).with(AgentBuilder.LocationStrategy.ForClassLoader.WEAK);
        for (Entry entry : entries) {
            forAdvice = forAdvice.advice(entry.methods(), entry.adviceName());
        }
        return forAdvice;
    }

    @Override
    public String toString() {
        return "advice " + entries.stream().map(Entry::adviceName).toList();
    }
}
