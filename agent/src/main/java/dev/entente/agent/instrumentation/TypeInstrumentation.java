package dev.entente.agent.instrumentation;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;

/** One intercepted type (or family of types): which classes, and the advice applied to their methods. */
public interface TypeInstrumentation {

    /**
     * The classes to instrument: {@link SuperTypes#classesOf} for the classes of a super type (one shared,
     * remembered walk of each hierarchy), {@link #named} and {@link #matching} for the rest.
     */
    AgentBuilder.RawMatcher types();

    AgentBuilder.Transformer transformer();

    /**
     * Advice transformers start here: the advice classes live in the agent's own class loader, which
     * the instrumented classes' loaders cannot see.
     */
    static AgentBuilder.RawMatcher named(String typeName) {
        return matching(ElementMatchers.named(typeName));
    }

    /** The types {@code matcher} accepts; it must not walk super types ({@link SuperTypes} does that for all). */
    static AgentBuilder.RawMatcher matching(ElementMatcher<? super TypeDescription> matcher) {
        return new AgentBuilder.RawMatcher.ForElementMatchers(matcher);
    }

    static AgentBuilder.Transformer.ForAdvice advice() {
        return new AgentBuilder.Transformer.ForAdvice().include(TypeInstrumentation.class.getClassLoader());
    }
}
