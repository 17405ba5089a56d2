package dev.entente.api;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What Entente in this JVM can say of itself, read-only, for a health check: whether the agent is attached,
 * the coordinator it is given, whether its RM session to a coordinator leader is up (the stream over which phase
 * 2 arrives: while it is, the coordinator is reachable), the cluster, and recovery's state. Asking starts
 * Entente's runtime if nothing did yet, and opens its session in the background.
 */
public final class EntenteStatus {

    private static final MethodHandle STATUS = EntenteContext.find("dev.entente.bootstrap.ApplicationCalls", "status",
            MethodType.methodType(Map.class));

    private final Map<String, Object> values;

    private EntenteStatus(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The state now. Without the agent: {@link #agentAttached()} false, and that is the {@link #problem()}. */
    @SuppressWarnings("unchecked")
    public static EntenteStatus current() {
        if (STATUS == null) {
            return new EntenteStatus(Map.of("problem", "the Entente agent is not attached (start the JVM with "
                    + "-javaagent:entente-agent.jar) or is off (javaagent.enabled=false)", "agent", false));
        }
        try {
            return new EntenteStatus((Map<String, Object>) STATUS.invokeExact());
        } catch (Throwable e) {
            return new EntenteStatus(Map.of("problem", "Entente could not report its state: " + e));
        }
    }

    public boolean agentAttached() {
        return !Boolean.FALSE.equals(values.get("agent"));
    }

    /**
     * Why global transactions cannot work now (no agent, no coordinator, its session down, another cluster), or
     * why what they left in doubt cannot be settled (recovery cannot scan a database), if so.
     */
    public Optional<String> problem() {
        return Optional.ofNullable((String) values.get("problem"));
    }

    /** Whether the RM session to a coordinator leader is open and welcomed. */
    public boolean rmSessionUp() {
        return "up".equals(values.get("rmSession"));
    }

    /** Prepared branches of this cluster that recovery found and could not settle yet. */
    public int inDoubtBranches() {
        return values.get("inDoubtBranches") instanceof Integer count ? count : 0;
    }

    /**
     * Everything known, by name: {@code app}, {@code instance}, {@code coordinator}, {@code cluster},
     * {@code rmSession} ({@code up}, {@code down}, {@code not started}), {@code inDoubtBranches},
     * {@code recoveryScanFailures} (database → why), {@code problem}.
     */
    public Map<String, Object> details() {
        return values;
    }

    @Override
    public String toString() {
        return "EntenteStatus" + values;
    }
}
