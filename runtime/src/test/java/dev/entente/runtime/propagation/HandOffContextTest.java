package dev.entente.runtime.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entente.api.GlobalTransaction;
import dev.entente.api.PropagationHeaders;
import dev.entente.bootstrap.ForkedTasks;
import dev.entente.bootstrap.HttpHook;
import dev.entente.bootstrap.TransactionContext;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pieces hand-offs are made of, in one JVM without the agent: what the api's calls bind on the
 * thread that runs a task. Across real executors and processes: the agent's HandOffTest and
 * CarriedContextTest.
 */
class HandOffContextTest {

    private static final String XID = "entente:1:700";

    @AfterEach
    void unbind() {
        TransactionContext.bind(null);
    }

    @Test
    void theApisHeaderNamesAreTheOnesTheAgentPutsOnRequests() {
        assertThat(PropagationHeaders.XID).isEqualTo(HttpHook.XID_HEADER);
        assertThat(PropagationHeaders.TOKEN).isEqualTo(HttpHook.TOKEN_HEADER);
    }

    @Test
    void aWrappedTaskRunsUnderTheXidOfTheThreadThatWrappedItAndLeavesItsThreadAsItWas() throws Exception {
        TransactionContext.bind(XID);
        FutureTask<String> callable = new FutureTask<>(GlobalTransaction.wrapCallable(() -> TransactionContext.currentXid()));
        String[] seenByRunnable = new String[1];
        Runnable runnable = GlobalTransaction.wrap(() -> seenByRunnable[0] = TransactionContext.currentXid());
        TransactionContext.bind(null);

        Thread thread = new Thread(() -> {
            callable.run();
            runnable.run();
            assertThat(TransactionContext.currentXid()).isNull();
        });
        thread.start();
        thread.join();

        assertThat(callable.get()).isEqualTo(XID);
        assertThat(seenByRunnable[0]).isEqualTo(XID);
    }

    @Test
    void outsideATransactionWrapGivesTheTaskItselfAndTheHeadersAreEmpty() {
        Callable<String> task = () -> "work";
        assertThat(GlobalTransaction.wrapCallable(task)).isSameAs(task);
        assertThat(PropagationHeaders.current()).isEmpty();
    }

    @Test
    void theHeadersOfATransactionNameItsXid() {
        TransactionContext.bind(XID);
        assertThat(PropagationHeaders.current()).containsEntry(PropagationHeaders.XID, XID);
    }

    @Test
    void aForkJoinTaskHandedOffUnderATransactionRunsUnderItOnceAndPutsBackTheWorkersBinding() {
        Object task = new Object();
        TransactionContext.bind(XID);
        ForkedTasks.handedOff(task);
        TransactionContext.bind("entente:1:701"); // the worker's own binding

        String previous = ForkedTasks.running(task);
        String during = TransactionContext.currentXid();
        ForkedTasks.ran(previous);

        assertThat(List.of(during, TransactionContext.currentXid())).containsExactly(XID, "entente:1:701");
        assertThat(ForkedTasks.running(task)).as("a task is bound once").isSameAs(ForkedTasks.UNCHANGED);
    }
}
