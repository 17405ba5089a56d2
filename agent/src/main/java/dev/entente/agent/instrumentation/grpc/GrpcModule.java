package dev.entente.agent.instrumentation.grpc;

import dev.entente.agent.instrumentation.InstrumentationModule;
import dev.entente.agent.instrumentation.SupportedLibrary;
import java.util.List;

/**
 * The application's grpc-java, client and server (never the agent's own copy, which lives in its
 * isolated class loader): calls started under a global transaction carry it, and a server call that
 * arrives with it runs its handler inside it.
 */
public final class GrpcModule extends InstrumentationModule {

    public GrpcModule() {
        super("grpc",
                List.of(new ClientCallInstrumentation(), new ServerCallInstrumentation(), new ServerStreamListenerInstrumentation()),
                List.of(new SupportedLibrary("gRPC Java, client and server (unary and server-streaming calls)", "1.x",
                        "1.82.4", "")));
    }
}
