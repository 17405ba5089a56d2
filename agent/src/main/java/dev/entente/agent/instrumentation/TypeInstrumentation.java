package dev.entente.agent.instrumentation;

import net.bytebuddy.agent.builder.AgentBuilder;

/** One intercepted type (or family of types): which classes, and the advice applied to their methods. */
public interface TypeInstrumentation {

    /**
     * The classes to instrument: {@link SuperTypes#classesOf} for the classes of a super type (one shared,
     * remembered walk of each hierarchy), {@link #named} or {@link #declaringMethodsAnnotated}.
     */
    TypeMatcher types();

    AgentBuilder.Transformer transformer();

    /** The classes of these binary names. */
    static TypeMatcher named(String... typeNames) {
        return new NamedTypes(typeNames);
    }

    /** The classes that declare a method carrying one of {@code annotationTypes} (binary names). */
    static TypeMatcher declaringMethodsAnnotated(String... annotationTypes) {
        return new AnnotatedTypes(annotationTypes);
    }

    /** Advice transformers start here ({@link AdviceTransformer}: each advice resolved once per class loader). */
    static AdviceTransformer advice() {
        return AdviceTransformer.none();
    }
}
