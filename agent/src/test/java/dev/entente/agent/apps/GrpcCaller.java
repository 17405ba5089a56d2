package dev.entente.agent.apps;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link HttpCaller} {@code grpc}: a blocking unary gRPC call per request, one channel per service; a failed call answers 500. */
final class GrpcCaller {

    private GrpcCaller() {
    }

    static HttpCaller create() {
        Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
        return url -> {
            URI uri = URI.create(url);
            ManagedChannel channel = channels.computeIfAbsent(uri.getHost() + ":" + uri.getPort(),
                    target -> ManagedChannelBuilder.forTarget(target).usePlaintext().build());
            try {
                return new HttpCaller.Reply(200, ClientCalls.blockingUnaryCall(channel, GrpcText.POST, CallOptions.DEFAULT,
                        uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())));
            } catch (StatusRuntimeException e) {
                return new HttpCaller.Reply(500, e.getStatus().getCode() + ": " + e.getStatus().getDescription());
            }
        };
    }
}
