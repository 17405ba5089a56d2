package dev.entente.api;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;

/**
 * Puts Entente's meters in the metrics libraries a class loader sees (Micrometer's global registry, the global
 * OpenTelemetry) now, rather than when an annotated method first runs: a service that only joins other
 * services' transactions runs none. Without the agent it does nothing.
 */
public final class EntenteMeters {

    private static final MethodHandle OFFER = EntenteContext.find("dev.entente.bootstrap.ApplicationCalls", "offerMeters",
            MethodType.methodType(void.class, ClassLoader.class));

    private EntenteMeters() {
    }

    /** The metrics libraries {@code loader} sees get Entente's meters, unless they have them already. */
    public static void registerIn(ClassLoader loader) {
        if (OFFER == null) {
            return;
        }
        try {
            OFFER.invokeExact(loader);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot register Entente's meters: " + e, e);
        }
    }
}
