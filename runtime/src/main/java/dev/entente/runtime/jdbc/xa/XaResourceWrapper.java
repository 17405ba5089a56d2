package dev.entente.runtime.jdbc.xa;

import java.util.List;
import javax.transaction.xa.XAResource;

/**
 * An extension point: wraps each XA resource Entente drives, a branch's start, end and prepare on the
 * application's connection as well as phase 2 and recovery on Entente's own connections. For tracing
 * or timing XA calls, or for a test harness that injects faults (the fault-injection suite's planted
 * bug is one). Implementations are loaded only from the jars the {@code extensions} setting names
 * (docs/configuration.md), with {@link java.util.ServiceLoader}, and each is logged at start-up.
 *
 * <p>Whatever the returned resource answers is what Entente takes the database to have done: a wrapper
 * that changes an answer (a prepare that commits, say) breaks atomicity. Pass every call on unchanged
 * unless that is the point.
 */
public interface XaResourceWrapper {

    /** Wraps nothing. */
    XaResourceWrapper NONE = (resource, xa) -> xa;

    /**
     * @param resource the resource name of the database {@code xa} reaches ({@code postgresql://host:port/db})
     * @param xa       the driver's XA resource, or the resource an earlier wrapper returned
     */
    XAResource wrap(String resource, XAResource xa);

    /** Applies {@code wrappers} in order: the last one wraps the others. */
    static XaResourceWrapper all(List<XaResourceWrapper> wrappers) {
        XaResourceWrapper all = NONE;
        for (XaResourceWrapper next : wrappers) {
            XaResourceWrapper inner = all;
            all = (resource, xa) -> next.wrap(resource, inner.wrap(resource, xa));
        }
        return all;
    }
}
