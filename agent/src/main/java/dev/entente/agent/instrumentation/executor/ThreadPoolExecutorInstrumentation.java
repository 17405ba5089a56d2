package dev.entente.agent.instrumentation.executor;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.bootstrap.TransactionContext;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Executors and {@code CompletableFuture}'s default pool: a task handed off under a global transaction
 * runs under it too.
 */
public final class ThreadPoolExecutorInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<? super TypeDescription> types() {
        return namedOneOf("java.util.concurrent.ThreadPoolExecutor", "java.util.concurrent.ForkJoinPool");
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice()
                .advice(named("execute").and(takesArguments(Runnable.class)), ExecuteAdvice.class.getName());
    }

    public static final class ExecuteAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(value = 0, readOnly = false) Runnable task) {
            task = TransactionContext.wrap(task);
        }
    }
}
