package dev.entente.agent.instrumentation;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/** One intercepted type (or family of types): which classes, and the advice applied to their methods. */
public interface TypeInstrumentation {

    ElementMatcher<? super TypeDescription> types();

    AgentBuilder.Transformer transformer();

    /**
     * Advice transformers start here: the advice classes live in the agent's own class loader, which
     * the instrumented classes' loaders cannot see.
     */
    static AgentBuilder.Transformer.ForAdvice advice() {
        return new AgentBuilder.Transformer.ForAdvice().include(TypeInstrumentation.class.getClassLoader());
    }
}
