package dev.entente.agent.instrumentation.executor;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;

import dev.entente.agent.instrumentation.SuperTypes;
import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.agent.instrumentation.TypeMatcher;
import dev.entente.bootstrap.TransactionContext;
import java.util.Collection;
import java.util.concurrent.Callable;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * {@code ExecutorService.submit}, {@code invokeAll}, {@code invokeAny} and one-shot {@code
 * ScheduledExecutorService.schedule} of the executors whose own code does not go through {@code
 * execute}: {@code ScheduledThreadPoolExecutor}, {@code ForkJoinPool}, the virtual-thread (thread per
 * task) executor. The tasks handed off under a global transaction run under it. {@code
 * AbstractExecutorService}'s own methods are left alone: they end in {@code execute}
 * ({@link ExecutorInstrumentation}).
 *
 * <p>Periodic tasks ({@code scheduleAtFixedRate}, {@code scheduleWithFixedDelay}) are not carried: they
 * outlive the transaction that scheduled them, and every later run would work under an ended one.
 */
public final class ExecutorServiceInstrumentation implements TypeInstrumentation {

    @Override
    public TypeMatcher types() {
        return SuperTypes.classesOf("java.util.concurrent.ExecutorService").excluding("java.util.concurrent.AbstractExecutorService");
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice()
                .advice(namedOneOf("submit", "schedule").and(takesArgument(0, Runnable.class)).and(not(isAbstract())),
                        RunnableAdvice.class.getName())
                .advice(namedOneOf("submit", "schedule", "submitWithTimeout").and(takesArgument(0, Callable.class))
                        .and(not(isAbstract())), CallableAdvice.class.getName())
                .advice(namedOneOf("invokeAll", "invokeAny", "invokeAllUninterruptibly").and(takesArgument(0, Collection.class))
                        .and(not(isAbstract())), TasksAdvice.class.getName());
    }

    public static final class RunnableAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(value = 0, readOnly = false) Runnable task) {
            task = TransactionContext.wrap(task);
        }
    }

    public static final class CallableAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(value = 0, readOnly = false) Callable<?> task) {
            task = TransactionContext.wrapCallable(task);
        }
    }

    public static final class TasksAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(value = 0, readOnly = false) Collection<? extends Callable<Object>> tasks) {
            tasks = TransactionContext.wrapAll(tasks);
        }
    }
}
