package dev.entente.runtime;

import dev.entente.bootstrap.ApplicationHook;
import dev.entente.bootstrap.CarrierHook;
import dev.entente.bootstrap.Hooks;
import dev.entente.bootstrap.HttpHook;
import dev.entente.bootstrap.JdbcHook;
import dev.entente.bootstrap.ReactiveHttpHook;
import dev.entente.bootstrap.RpcHook;
import dev.entente.bootstrap.TransactionHook;
import dev.entente.runtime.http.ServerMessages;
import dev.entente.runtime.propagation.GrpcCalls;
import java.sql.Connection;
import java.sql.Driver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The hooks instrumented code calls until the runtime has started: each call that needs the runtime
 * starts it (once), then hands itself to the runtime's own hook, which {@link EntenteRuntime#start}
 * has installed in {@link Hooks} for every later call. Calls that cannot concern a global transaction
 * while none has ever begun here (no XID can be bound before the runtime exists) return at once.
 *
 * <p>Needs the runtime: a driver's new connection (the resource manager learns every physical
 * connection, to enlist it later), entering an annotated method, a request (or an event of a reactive
 * server's request), a gRPC call (or work the application carries itself) that carries an XID.
 *
 * <p>Nothing here logs or starts a library before the runtime does: the agent calls {@link #startOnFirstUse}
 * while the JVM starts, where every class loaded is start-up time (SLF4J's set-up alone took about 50 ms).
 */
public final class FirstUseHooks implements JdbcHook, TransactionHook, HttpHook, CarrierHook, RpcHook, ApplicationHook, ReactiveHttpHook {

    private final ApplicationSettings settings;
    private final AtomicBoolean warmingUp = new AtomicBoolean();

    private FirstUseHooks(ApplicationSettings settings) {
        this.settings = settings;
    }

    /**
     * How long after the agent's start the runtime starts and connects to the coordinator in the background
     * if nothing needed it before: late enough that most applications' start-up does not share the CPU with
     * loading gRPC; soon enough that the first transaction finds the channel open and the coordinator knows
     * which databases this instance serves.
     */
    static final Duration WARM_UP_DELAY = Duration.ofSeconds(10);

    /** How long the start-up check waits for a coordinator address to accept a connection. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    /**
     * Connects instrumented code to a runtime that starts at its first use: the first connection a driver
     * opens, the first annotated method, the first request that carries a transaction, the application asking
     * for its state, or {@link #WARM_UP_DELAY} after this call (or after the application gave a coordinator),
     * in the background. Until then every hook is a no-op that costs a field read and a call, and the
     * application may still give settings from its own configuration ({@link #applySettings}).
     * Meanwhile, at once and in the background, a coordinator that accepts no connection is reported.
     *
     * @param settings what {@code sources} resolve to now
     */
    public static void startOnFirstUse(SettingSources sources, Settings settings) {
        FirstUseHooks hooks = new FirstUseHooks(new ApplicationSettings(sources, settings));
        Hooks.jdbc = hooks;
        Hooks.transactions = hooks;
        Hooks.http = hooks;
        Hooks.carrier = hooks;
        Hooks.rpc = hooks;
        Hooks.application = hooks;
        Hooks.reactive = hooks;
        hooks.warmUpOnceConfigured();
    }

    private void warmUpOnceConfigured() {
        if (!settings.current().coordinator().isEmpty() && warmingUp.compareAndSet(false, true)) {
            Thread warmUp = new Thread(this::warmUp, "entente-warm-up");
            warmUp.setDaemon(true);
            warmUp.setPriority(Thread.MIN_PRIORITY);
            warmUp.start();
        }
    }

    private void warmUp() {
        long start = System.nanoTime();
        List<String> coordinator = settings.current().coordinator();
        CoordinatorProbe.noneAccepts(coordinator, PROBE_TIMEOUT).ifPresent(failures ->
                OwnContextLoader.logger(FirstUseHooks.class).warn("Entente: no coordinator accepts connections at {} ({}); "
                        + "global transactions, @Locked and @Publish fail until one does (setting coordinator)",
                        coordinator, failures));
        try {
            Thread.sleep(Math.max(0, WARM_UP_DELAY.toMillis() - Duration.ofNanos(System.nanoTime() - start).toMillis()));
            runtime().startSession();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            OwnContextLoader.logger(FirstUseHooks.class).warn(
                    "Entente: the runtime could not start in the background ({}); it starts again at its first use", e.toString());
        }
    }

    private EntenteRuntime runtime() {
        return EntenteRuntime.startedOrStart(settings.forStart());
    }

    private void start() {
        runtime();
    }

    @Override
    public Map<String, Object> status() {
        return runtime().status();
    }

    @Override
    public List<String> applySettings(Map<String, String> given, String source) {
        List<String> notApplied;
        try {
            notApplied = settings.apply(given, source);
        } catch (Settings.InvalidSetting e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        warmUpOnceConfigured();
        return notApplied;
    }

    @Override
    public void offerMeters(ClassLoader loader) {
        runtime().offerMeters(loader);
    }

    @Override
    public void connected(Driver driver, String url, Properties info, Connection connection) {
        start();
        Hooks.jdbc.connected(driver, url, info, connection);
    }

    @Override
    public void connectedFrom(Class<?> factory, Object configuration, Connection connection) {
        start();
        Hooks.jdbc.connectedFrom(factory, configuration, connection);
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
        return ServerMessages.header(request, name);
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
    public Object eventStarted(Object request) {
        String xid = ServerMessages.header(request, XID_HEADER);
        if (xid == null || xid.isEmpty()) {
            return null;
        }
        start();
        return Hooks.reactive.eventStarted(request);
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
