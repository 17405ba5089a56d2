package dev.entente.coordinator.health;

import dev.entente.protocol.CoordinatorGrpc;
import io.grpc.BindableService;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The standard gRPC health service ({@code grpc.health.v1.Health}) on the client port, kept current
 * from {@link Readiness}: the whole server ({@code ""}) is SERVING while the node is ready; the
 * {@code entente.v1.Coordinator} service is SERVING only on the ready leader, the one node that serves
 * transactions (the others answer with its address).
 */
public final class GrpcHealth implements AutoCloseable {

    private final HealthStatusManager statuses = new HealthStatusManager();
    private final ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "entente-health");
        thread.setDaemon(true);
        return thread;
    });
    private final Readiness readiness;
    private final BooleanSupplier leads;

    public GrpcHealth(Readiness readiness, BooleanSupplier leads) {
        this.readiness = readiness;
        this.leads = leads;
        statuses.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
        statuses.setStatus(CoordinatorGrpc.SERVICE_NAME, ServingStatus.NOT_SERVING);
    }

    public BindableService service() {
        return statuses.getHealthService();
    }

    /** Checks every {@code period} from now on. */
    public void start(Duration period) {
        checks.scheduleWithFixedDelay(this::check, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void check() {
        boolean ready;
        try {
            ready = readiness.ready().ok();
        } catch (RuntimeException e) {
            ready = false; // a Raft member being closed answers with exceptions: not ready
        }
        statuses.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status(ready));
        statuses.setStatus(CoordinatorGrpc.SERVICE_NAME, status(ready && leads.getAsBoolean()));
    }

    private static ServingStatus status(boolean serving) {
        return serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    }

    @Override
    public void close() {
        checks.shutdownNow();
        statuses.enterTerminalState();
    }
}
