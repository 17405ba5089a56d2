package dev.entente.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entente.bootstrap.TransactionContext;
import dev.entente.protocol.Xids;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

/**
 * The application's own SLF4J MDC (a copy separate from the runtime's, as under the agent) follows the
 * XID bound to the thread: set, nested, restored, handed off to an executor, cleared.
 */
class LogContextTest {

    @TempDir
    Path services;
    URLClassLoader application;
    ClassLoader previousLoader;

    @BeforeEach
    void applicationWithItsOwnSlf4j() throws Exception {
        Path registration = services.resolve("META-INF/services/org.slf4j.spi.SLF4JServiceProvider");
        Files.createDirectories(registration.getParent());
        Files.writeString(registration, ApplicationSlf4jProvider.class.getName() + "\n");
        URL slf4jApi = MDC.class.getProtectionDomain().getCodeSource().getLocation();
        URL testClasses = ApplicationSlf4jProvider.class.getProtectionDomain().getCodeSource().getLocation();
        application = new URLClassLoader(new URL[] {slf4jApi, testClasses, services.toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
        previousLoader = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(application);
        TransactionContext.setBindingListener(new LogContext());
    }

    @AfterEach
    void restore() throws Exception {
        TransactionContext.bind(null);
        TransactionContext.setBindingListener(null);
        Thread.currentThread().setContextClassLoader(previousLoader);
        application.close();
    }

    /** What the application's log pattern {@code %X{entente.xid}} would print on this thread. */
    private String applicationMdc() {
        try {
            Class<?> mdc = Class.forName("org.slf4j.MDC", true, application);
            assertThat(mdc).isNotSameAs(MDC.class);
            return (String) mdc.getMethod("get", String.class).invoke(null, Xids.LOG_KEY);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theApplicationsMdcCarriesTheBoundXidAndFollowsNestingAndRestore() {
        assertThat(applicationMdc()).isNull();
        String outer = TransactionContext.bind("entente:1:100");
        assertThat(applicationMdc()).isEqualTo("entente:1:100");
        String inner = TransactionContext.bind("entente:1:200"); // REQUIRES_NEW
        assertThat(applicationMdc()).isEqualTo("entente:1:200");
        TransactionContext.restore(inner);
        assertThat(applicationMdc()).isEqualTo("entente:1:100");
        TransactionContext.restore(outer);
        assertThat(applicationMdc()).isNull();
    }

    @Test
    void aHandedOffTaskLogsUnderTheXidOfTheThreadThatHandedItOff() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor(); // its thread inherits the application loader
        try {
            TransactionContext.bind("entente:1:300");
            CompletableFuture<String> seen = new CompletableFuture<>();
            executor.execute(TransactionContext.wrap(() -> seen.complete(applicationMdc())));
            assertThat(seen.get()).isEqualTo("entente:1:300");
            CompletableFuture<String> after = new CompletableFuture<>();
            executor.execute(() -> after.complete(String.valueOf(applicationMdc())));
            assertThat(after.get()).isEqualTo("null"); // the worker's own context is back once the task ends
        } finally {
            executor.shutdownNow();
        }
    }
}
