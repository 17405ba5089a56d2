package dev.entente.agent.instrumentation.servlet;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.entente.agent.instrumentation.SuperTypes;
import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.agent.instrumentation.TypeMatcher;
import dev.entente.bootstrap.Hooks;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * {@code ServletResponse.flushBuffer()}, {@code javax.servlet} and {@code jakarta.servlet}: it commits the
 * response, and the caller may act on it at once, so this service's open branches prepare first.
 */
public final class ServletResponseInstrumentation implements TypeInstrumentation {

    @Override
    public TypeMatcher types() {
        return SuperTypes.classesOf("javax.servlet.ServletResponse", "jakarta.servlet.ServletResponse");
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice()
                .advice(named("flushBuffer").and(takesArguments(0)).and(not(isAbstract())), FlushAdvice.class.getName());
    }

    public static final class FlushAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.This Object response) {
            Hooks.http.responseStarting(response, 0);
        }
    }
}
