package dev.entente.agent.instrumentation.servlet;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.entente.agent.instrumentation.SuperTypes;
import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.agent.instrumentation.TypeMatcher;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * {@code Filter.doFilter}, {@code javax.servlet} and {@code jakarta.servlet}: work a filter does before
 * the servlet (an open-session-in-view filter, an audit log) belongs to the request's transaction too.
 * The outermost filter scopes the request; the servlet behind it joins (see {@link ServletInstrumentation}).
 */
public final class FilterInstrumentation implements TypeInstrumentation {

    @Override
    public TypeMatcher types() {
        return SuperTypes.classesOf("javax.servlet.Filter", "jakarta.servlet.Filter");
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice()
                .advice(named("doFilter").and(not(isAbstract())).and(takesArguments(3))
                                .and(takesArgument(0, namedOneOf("javax.servlet.ServletRequest", "jakarta.servlet.ServletRequest"))),
                        RequestScopeAdvice.class.getName());
    }
}
