package dev.entente.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entente.bootstrap.TransactionContext;
import dev.entente.protocol.Xids;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The MDC follows the XID bound to the thread: set, nested, restored, handed off, cleared. */
class LogContextTest {

    @BeforeEach
    void install() {
        TransactionContext.setBindingListener(new LogContext());
    }

    @AfterEach
    void uninstall() {
        TransactionContext.bind(null);
        TransactionContext.setBindingListener(null);
    }

    @Test
    void theMdcCarriesTheBoundXidAndFollowsNestingAndRestore() {
        assertThat(MDC.get(Xids.LOG_KEY)).isNull();
        String outer = TransactionContext.bind("entente:1:100");
        assertThat(MDC.get(Xids.LOG_KEY)).isEqualTo("entente:1:100");
        String inner = TransactionContext.bind("entente:1:200"); // REQUIRES_NEW
        assertThat(MDC.get(Xids.LOG_KEY)).isEqualTo("entente:1:200");
        TransactionContext.restore(inner);
        assertThat(MDC.get(Xids.LOG_KEY)).isEqualTo("entente:1:100");
        TransactionContext.restore(outer);
        assertThat(MDC.get(Xids.LOG_KEY)).isNull();
    }

    @Test
    void aHandedOffTaskLogsUnderTheXidOfTheThreadThatHandedItOff() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            TransactionContext.bind("entente:1:300");
            CompletableFuture<String> seen = new CompletableFuture<>();
            executor.execute(TransactionContext.wrap(() -> seen.complete(MDC.get(Xids.LOG_KEY))));
            assertThat(seen.get()).isEqualTo("entente:1:300");
            CompletableFuture<String> after = new CompletableFuture<>();
            executor.execute(() -> after.complete(String.valueOf(MDC.get(Xids.LOG_KEY))));
            assertThat(after.get()).isEqualTo("null"); // the worker's own context is back once the task ends
        } finally {
            executor.shutdownNow();
        }
    }
}
