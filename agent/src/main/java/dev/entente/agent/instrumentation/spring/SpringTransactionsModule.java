package dev.entente.agent.instrumentation.spring;

import dev.entente.agent.instrumentation.InstrumentationModule;
import dev.entente.agent.instrumentation.SupportedLibrary;
import java.util.List;

/**
 * Spring's {@code @Transactional} on a method that is also {@code @GlobalTransactional}, and Spring's
 * after-commit callbacks held until the global outcome is known.
 */
public final class SpringTransactionsModule extends InstrumentationModule {

    public SpringTransactionsModule() {
        super("spring-transactions",
                List.of(new TransactionInterceptorInstrumentation(), new TransactionSynchronizationUtilsInstrumentation()),
                List.of(new SupportedLibrary("Spring Framework `@Transactional` with `@GlobalTransactional` on the same method; after-commit callbacks "
                                + "after the global outcome",
                        "6.x", "6.2.19", "org.springframework:spring-tx"),
                        SupportedLibrary.inBootApp("boot4", "Spring Framework 7 `@Transactional` in a service that joins global transactions",
                                "7.x", "7.0.8", "org.springframework:spring-tx")));
    }
}
