package dev.entente.agent.apps;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test service's routes served over gRPC ({@link GrpcText#POST}): the request names the path and
 * query; a handler's answer is the call's response, its failure the status INTERNAL with the answer as
 * description. The application's own grpc-java (Netty transport).
 */
final class GrpcHttpApp implements HttpApp {

    private final int port;
    private final Map<String, Handler> routes = new ConcurrentHashMap<>();

    GrpcHttpApp(int port) {
        this.port = port;
    }

    @Override
    public void route(String path, Handler handler) {
        routes.put(path, handler);
    }

    @Override
    public void start() throws Exception {
        ServerServiceDefinition service = ServerServiceDefinition.builder(GrpcText.SERVICE)
                .addMethod(GrpcText.POST, ServerCalls.asyncUnaryCall((String request, io.grpc.stub.StreamObserver<String> reply) -> {
                    int query = request.indexOf('?');
                    Handler handler = routes.get(query < 0 ? request : request.substring(0, query));
                    Answer answer = handler == null ? new Answer(404, "no route " + request)
                            : Answer.of(handler, query < 0 ? null : request.substring(query + 1));
                    if (answer.status() == 200) {
                        reply.onNext(answer.body());
                        reply.onCompleted();
                    } else {
                        reply.onError(Status.INTERNAL.withDescription(answer.body()).asRuntimeException());
                    }
                })).build();
        Server server = ServerBuilder.forPort(port).addService(service).build().start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
        HttpApp.ready(port);
        server.awaitTermination();
    }
}
