package dev.entente.coordinator.security;

import dev.entente.coordinator.txn.Caller;
import dev.entente.protocol.AppCredentials;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a call through only if it carries an application's name and secret that {@link AppSecrets}
 * knows; the call then runs as that application ({@link #caller()}). Refusals never echo the secret.
 */
public final class ClientAuthenticator implements ServerInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger(ClientAuthenticator.class);
    private static final Context.Key<Caller> CALLER = Context.key("entente-caller");

    private final AppSecrets secrets;

    public ClientAuthenticator(AppSecrets secrets) {
        this.secrets = secrets;
    }

    /** The application the current call runs as; {@link Caller#ANYONE} on a coordinator without authentication. */
    public static Caller caller() {
        Caller caller = CALLER.get();
        return caller == null ? Caller.ANYONE : caller;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        String app = headers.get(AppCredentials.APP);
        String secret = headers.get(AppCredentials.SECRET);
        String method = call.getMethodDescriptor().getBareMethodName();
        if (app == null || secret == null) {
            return refuse(call, method + " refused: the request carries no application credentials; this coordinator "
                    + "authenticates every client (application settings tls-ca and secret-file)");
        }
        if (!secrets.verify(app, secret)) {
            String shown = app.length() > 64 ? app.substring(0, 64) + "..." : app;
            LOG.warn("{} from application '{}' refused: unknown application or wrong secret", method, shown);
            return refuse(call, method + " refused: application '" + shown + "' did not authenticate "
                    + "(unknown application, or not its secret)");
        }
        Context context = Context.current().withValue(CALLER, Caller.authenticated(app, secrets));
        return Contexts.interceptCall(context, call, headers, next);
    }

    private static <Q, A> ServerCall.Listener<Q> refuse(ServerCall<Q, A> call, String description) {
        call.close(Status.UNAUTHENTICATED.withDescription(description), new Metadata());
        return new ServerCall.Listener<>() { };
    }
}
