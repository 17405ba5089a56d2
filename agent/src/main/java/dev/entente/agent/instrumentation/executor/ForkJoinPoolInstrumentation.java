package dev.entente.agent.instrumentation.executor;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;

import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.agent.instrumentation.TypeMatcher;
import dev.entente.bootstrap.ForkedTasks;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * {@code ForkJoinPool.execute}, {@code submit} and {@code invoke} of a {@code ForkJoinTask}: a task
 * handed to the pool under a global transaction runs under it ({@link ForkJoinTaskInstrumentation} binds
 * it). Runnables and callables: {@link ExecutorInstrumentation}, {@link ExecutorServiceInstrumentation}.
 */
public final class ForkJoinPoolInstrumentation implements TypeInstrumentation {

    @Override
    public TypeMatcher types() {
        return TypeInstrumentation.named("java.util.concurrent.ForkJoinPool");
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice()
                .advice(namedOneOf("execute", "submit", "invoke")
                        .and(takesArgument(0, named("java.util.concurrent.ForkJoinTask"))), HandOffAdvice.class.getName());
    }

    public static final class HandOffAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) Object task) {
            ForkedTasks.handedOff(task);
        }
    }
}
