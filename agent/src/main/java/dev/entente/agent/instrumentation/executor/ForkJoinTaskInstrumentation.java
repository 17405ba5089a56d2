package dev.entente.agent.instrumentation.executor;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.agent.instrumentation.TypeMatcher;
import dev.entente.bootstrap.ForkedTasks;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * {@code ForkJoinTask}: a task forked under a global transaction is kept with its XID, and every task
 * kept so ({@link ForkJoinPoolInstrumentation}) runs with its XID bound, on whichever worker runs it.
 * {@code doExec} is the one method through which every worker (and a joining caller) runs a task.
 */
public final class ForkJoinTaskInstrumentation implements TypeInstrumentation {

    @Override
    public TypeMatcher types() {
        return TypeInstrumentation.named("java.util.concurrent.ForkJoinTask");
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice()
                .advice(named("fork").and(takesArguments(0)), ForkAdvice.class.getName())
                .advice(named("doExec").and(takesArguments(0)), RunAdvice.class.getName());
    }

    public static final class ForkAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.This Object task) {
            ForkedTasks.handedOff(task);
        }
    }

    public static final class RunAdvice {
        @Advice.OnMethodEnter
        public static String enter(@Advice.This Object task) {
            return ForkedTasks.running(task);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        public static void exit(@Advice.Enter String previous) {
            ForkedTasks.ran(previous);
        }
    }
}
