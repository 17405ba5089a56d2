package dev.entente.agent.instrumentation.executor;

import dev.entente.agent.instrumentation.InstrumentationModule;
import dev.entente.agent.instrumentation.SupportedLibrary;
import dev.entente.agent.instrumentation.TypeInstrumentation;
import java.util.List;

/** Thread hand-offs: a task handed off under a global transaction runs in it. */
public final class ExecutorsModule extends InstrumentationModule {

    public ExecutorsModule() {
        super("executors",
                List.of(new ExecutorInstrumentation(), new ExecutorServiceInstrumentation(), new ForkJoinPoolInstrumentation(),
                        new ForkJoinTaskInstrumentation()),
                List.of(
                        SupportedLibrary.jdk("`Executor`, `ExecutorService`, `ScheduledExecutorService` (one-shot), `ForkJoinPool` "
                                + "and forked `ForkJoinTask`s, `CompletableFuture.*Async`"),
                        new SupportedLibrary("virtual-thread executors (`Executors.newVirtualThreadPerTaskExecutor`)", "Java 21+",
                                "Java 25, when installed beside the build's JDK", "")));
    }
}
