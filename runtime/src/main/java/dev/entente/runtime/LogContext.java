package dev.entente.runtime;

import dev.entente.bootstrap.TransactionContext;
import dev.entente.protocol.Xids;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import org.slf4j.MDC;

/**
 * Keeps the SLF4J MDC key {@code entente.xid} equal to the XID bound to the thread, so that log lines
 * written inside a global transaction carry it. Both the runtime's own SLF4J and, under the agent (whose
 * runtime has its own isolated copy), the application's SLF4J, found through the thread's context class
 * loader. An application without SLF4J, or a failing MDC, is left alone: logging never breaks a transaction.
 */
public final class LogContext implements TransactionContext.BindingListener {

    /** The application's {@code org.slf4j.MDC} put and remove, per class loader that sees one. */
    private record ApplicationMdc(MethodHandle put, MethodHandle remove) {
    }

    private final Map<ClassLoader, Optional<ApplicationMdc>> applicationMdcs = Collections.synchronizedMap(new WeakHashMap<>());

    @Override
    public void bound(String xid) {
        try {
            if (xid == null) {
                MDC.remove(Xids.LOG_KEY);
            } else {
                MDC.put(Xids.LOG_KEY, xid);
            }
        } catch (RuntimeException ignored) {
            // an MDC adapter that fails must not fail the application's call
        }
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = ClassLoader.getSystemClassLoader();
        }
        applicationMdcs.computeIfAbsent(loader, LogContext::find).ifPresent(mdc -> {
            try {
                if (xid == null) {
                    mdc.remove().invokeExact(Xids.LOG_KEY);
                } else {
                    mdc.put().invokeExact(Xids.LOG_KEY, xid);
                }
            } catch (Throwable ignored) {
                // the application's logging is its own; never fail its call over it
            }
        });
    }

    private static Optional<ApplicationMdc> find(ClassLoader loader) {
        try {
            Class<?> mdc = Class.forName("org.slf4j.MDC", false, loader);
            if (mdc == MDC.class) {
                return Optional.empty(); // the same SLF4J as the runtime's: already done
            }
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            return Optional.of(new ApplicationMdc(
                    lookup.findStatic(mdc, "put", MethodType.methodType(void.class, String.class, String.class)),
                    lookup.findStatic(mdc, "remove", MethodType.methodType(void.class, String.class))));
        } catch (ReflectiveOperationException | LinkageError e) {
            return Optional.empty();
        }
    }
}
