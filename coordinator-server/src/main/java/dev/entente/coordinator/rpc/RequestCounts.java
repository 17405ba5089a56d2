package dev.entente.coordinator.rpc;

import dev.entente.coordinator.admin.CoordinatorMetrics;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;

/**
 * Counts the calls a service receives, by method ({@code entente_requests_total{method="Commit"}}):
 * what a global transaction costs in coordinator round trips, read off the leader's metrics.
 */
public final class RequestCounts implements ServerInterceptor {

    private final CoordinatorMetrics metrics;

    private RequestCounts(CoordinatorMetrics metrics) {
        this.metrics = metrics;
    }

    /** {@code service}, its calls counted; only its own methods get a series. */
    public static ServerServiceDefinition count(ServerServiceDefinition service, CoordinatorMetrics metrics) {
        service.getMethods().forEach(method -> metrics.requestMethod(method.getMethodDescriptor().getBareMethodName()));
        return ServerInterceptors.intercept(service, new RequestCounts(metrics));
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        metrics.requestReceived(call.getMethodDescriptor().getBareMethodName());
        return next.startCall(call, headers);
    }
}
