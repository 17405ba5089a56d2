package dev.entente.runtime;

import dev.entente.bootstrap.CarrierHook;
import dev.entente.bootstrap.Hooks;
import dev.entente.bootstrap.HttpHook;
import dev.entente.bootstrap.JdbcHook;
import dev.entente.bootstrap.RpcHook;
import dev.entente.bootstrap.TransactionHook;
import dev.entente.runtime.http.RequestScopes;
import dev.entente.runtime.propagation.GrpcCalls;
import java.sql.Connection;
import java.sql.Driver;
import java.util.Properties;

/**
 * The hooks instrumented code calls until the runtime has started: each call that needs the runtime
 * starts it (once), then hands itself to the runtime's own hook, which {@link EntenteRuntime#start}
 * has installed in {@link Hooks} for every later call. Calls that cannot concern a global transaction
 * while none has ever begun here (no XID can be bound before the runtime exists) return at once.
 *
 * <p>Needs the runtime: a driver's new connection (the resource manager learns every physical
 * connection, to enlist it later), entering an annotated method, a request, a gRPC call (or work the
 * application carries itself) that carries an XID.
 */
final class FirstUseHooks implements JdbcHook, TransactionHook, HttpHook, CarrierHook, RpcHook {

    private final Settings settings;

    private FirstUseHooks(Settings settings) {
        this.settings = settings;
    }

    static void install(Settings settings) {
        FirstUseHooks hooks = new FirstUseHooks(settings);
        Hooks.jdbc = hooks;
        Hooks.transactions = hooks;
        Hooks.http = hooks;
        Hooks.carrier = hooks;
        Hooks.rpc = hooks;
    }

    private void start() {
        EntenteRuntime.startedOrStart(settings);
    }

    @Override
    public void connected(Driver driver, String url, Properties info, Connection connection) {
        start();
        Hooks.jdbc.connected(driver, url, info, connection);
    }

    @Override
    public Object enter(Class<?> type, String method, Object[] arguments) throws Throwable {
        start();
        return Hooks.transactions.enter(type, method, arguments);
    }

    @Override
    public Object enterInterceptor(Object invocation) throws Throwable {
        if (InterceptedInvocation.ofAnnotated(invocation).isEmpty()) {
            return null; // Spring's @Transactional alone: nothing of Entente's
        }
        start();
        return Hooks.transactions.enterInterceptor(invocation);
    }

    @Override
    public Throwable exit(Object scope, Object returned, Throwable thrown) {
        TransactionHook started = Hooks.transactions; // enter above started the runtime, whose hook made the scope
        return started == this ? thrown : started.exit(scope, returned, thrown);
    }

    @Override
    public String header(Object request, String name) {
        return RequestScopes.servletHeader(request, name);
    }

    @Override
    public Object requestStarted(String xid, Object request, Object response) {
        if (xid == null || xid.isEmpty()) {
            return null;
        }
        start();
        return Hooks.http.requestStarted(xid, request, response);
    }

    @Override
    public Object workStarted(String xid, String token) {
        start();
        return Hooks.carrier.workStarted(xid, token);
    }

    @Override
    public void callArrived(Object call, Object headers) {
        if (GrpcCalls.xidOf(headers) == null) {
            return;
        }
        start();
        Hooks.rpc.callArrived(call, headers);
    }
}
