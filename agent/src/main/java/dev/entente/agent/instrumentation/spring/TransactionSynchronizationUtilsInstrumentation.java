package dev.entente.agent.instrumentation.spring;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.agent.instrumentation.TypeMatcher;
import dev.entente.bootstrap.Hooks;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * Spring's {@code TransactionSynchronizationUtils.invokeAfterCommit} and {@code invokeAfterCompletion}, through
 * which every {@code PlatformTransactionManager} calls the application's after-commit callbacks: inside a
 * global transaction its commit only prepared a branch, so the runtime may take the calls and make them once
 * the global outcome is known.
 */
public final class TransactionSynchronizationUtilsInstrumentation implements TypeInstrumentation {

    @Override
    public TypeMatcher types() {
        return TypeInstrumentation.named("org.springframework.transaction.support.TransactionSynchronizationUtils");
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice()
                .advice(named("invokeAfterCommit").and(takesArguments(1)), AfterCommitAdvice.class.getName())
                .advice(named("invokeAfterCompletion").and(takesArguments(2)), AfterCompletionAdvice.class.getName());
    }

    public static final class AfterCommitAdvice {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        public static boolean enter(@Advice.Origin Class<?> utils, @Advice.Argument(0) List<?> synchronizations) {
            return Hooks.localTransactions.deferAfterCommit(utils, synchronizations);
        }
    }

    public static final class AfterCompletionAdvice {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        public static boolean enter(@Advice.Origin Class<?> utils, @Advice.Argument(0) List<?> synchronizations,
                                    @Advice.Argument(1) int status) {
            return Hooks.localTransactions.deferAfterCompletion(utils, synchronizations, status);
        }
    }
}
