package dev.entente.agent.instrumentation.executor;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.entente.agent.instrumentation.SuperTypes;
import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.agent.instrumentation.TypeMatcher;
import dev.entente.bootstrap.TransactionContext;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * Every {@code Executor.execute(Runnable)}: a task handed off under a global transaction runs under it
 * too. This covers thread pools, {@code ForkJoinPool}, virtual-thread executors and {@code
 * CompletableFuture}'s async methods (which use a thread per task instead of the common pool on machines
 * with fewer than three cores). {@code submit}, {@code invokeAll} and {@code schedule} of executors that
 * do not go through {@code execute}: {@link ExecutorServiceInstrumentation}.
 */
public final class ExecutorInstrumentation implements TypeInstrumentation {

    @Override
    public TypeMatcher types() {
        return SuperTypes.classesOf("java.util.concurrent.Executor");
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice()
                .advice(named("execute").and(takesArguments(Runnable.class)).and(not(isAbstract())), ExecuteAdvice.class.getName());
    }

    public static final class ExecuteAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(value = 0, readOnly = false) Runnable task) {
            task = TransactionContext.wrap(task);
        }
    }
}
