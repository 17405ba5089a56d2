package dev.entente.protocol.client;

import dev.entente.protocol.BranchAck;
import dev.entente.protocol.BranchCommand;
import dev.entente.protocol.CoordinatorGrpc;
import dev.entente.protocol.Heartbeat;
import dev.entente.protocol.SessionDown;
import dev.entente.protocol.SessionHello;
import dev.entente.protocol.SessionUp;
import io.grpc.stub.StreamObserver;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-lived session of one application instance with the coordinator leader: it announces the
 * resources the instance can finish branches of, sends heartbeats, and runs the phase-2 commands the
 * coordinator pushes. It reconnects (following the leader) whenever the stream breaks.
 */
public final class RmSession implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RmSession.class);
    private static final long HEARTBEAT_MILLIS = 1000;

    private final CoordinatorClient client;
    private volatile SessionHello hello;
    private final BranchCommandHandler handler;
    private final SessionListener listener;
    private final ScheduledExecutorService timer;
    private final ExecutorService workers;
    private volatile boolean closed;
    private volatile boolean connected;
    private volatile long lastHeardNanos;
    private volatile StreamObserver<SessionUp> up;
    private ScheduledFuture<?> heartbeats;
    private long reconnectDelayMillis = 50;
    private volatile boolean welcomedOnce;
    /** Why each address failed the latest attempt, while no attempt since the start was welcomed (the session's thread). */
    private final Map<String, String> refusedBeforeWelcome = new LinkedHashMap<>();
    private volatile String unreachable;

    public RmSession(CoordinatorClient client, String app, String instanceId, Set<String> resources,
                     BranchCommandHandler handler) {
        this(client, app, instanceId, resources, handler, welcome -> { });
    }

    /** @param listener told each welcome and each withdrawal of its grant (on the session's thread) */
    public RmSession(CoordinatorClient client, String app, String instanceId, Set<String> resources,
                     BranchCommandHandler handler, SessionListener listener) {
        this.client = client;
        this.hello = SessionHello.newBuilder().setApp(app).setInstanceId(instanceId).addAllResources(resources).build();
        this.handler = handler;
        this.listener = listener;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "entente-rm-session-" + instanceId));
        this.workers = Executors.newFixedThreadPool(4, r -> daemon(r, "entente-phase2-" + instanceId));
        timer.execute(this::connect);
    }

    /**
     * Adds {@code resource} to those this instance finishes branches of; the session says hello again
     * (reconnects) so the coordinator learns it.
     */
    public void serve(String resource) {
        synchronized (this) {
            if (hello.getResourcesList().contains(resource)) {
                return;
            }
            hello = hello.toBuilder().addResources(resource).build();
        }
        dropConnection();
    }

    /** True while a stream to a coordinator leader is open and welcomed. */
    public boolean isConnected() {
        return connected;
    }

    /**
     * Why no coordinator can be reached, while the session has never been welcomed and its latest attempt
     * at every address failed before reaching a coordinator (refused, unresolvable, TLS failed) or was
     * refused by the coordinator for this application's credentials; empty otherwise, and always after a
     * first welcome, whose session keeps waiting for a leader through fail-overs instead.
     */
    public Optional<String> unreachable() {
        return Optional.ofNullable(unreachable);
    }

    /** Breaks the current stream (as a network fault would); the session reconnects by itself. */
    public void dropConnection() {
        unlessClosed(timer, () -> {
            StreamObserver<SessionUp> current = up;
            if (current != null) {
                // the cancelled call reports back through Downstream.onError, which reconnects
                current.onError(io.grpc.Status.CANCELLED.withDescription("dropped by the application").asRuntimeException());
            }
        });
    }

    private void connect() {
        if (client.isClosed()) {
            close(); // its client is gone: nothing to reconnect with
        }
        if (closed || up != null) {
            return;
        }
        String address = client.leaderAddress();
        Downstream downstream = new Downstream(address);
        StreamObserver<SessionUp> stream = CoordinatorGrpc.newStub(client.channel(address)).session(downstream);
        downstream.stream = stream;
        synchronized (this) {
            up = stream;
            stream.onNext(SessionUp.newBuilder().setHello(hello).build());
        }
    }

    private void send(SessionUp message) {
        synchronized (this) {
            if (up != null) {
                up.onNext(message);
            }
        }
    }

    private void disconnected(StreamObserver<SessionUp> stream, String address, Throwable failure) {
        synchronized (this) {
            if (up != stream) {
                return; // an older stream ending late
            }
            up = null;
        }
        connected = false;
        listener.grantWithdrawn();
        if (heartbeats != null) {
            heartbeats.cancel(false);
        }
        if (closed) {
            return;
        }
        if (failure != null) {
            noteBeforeWelcome(address, failure);
            client.redirect(failure);
            io.grpc.Status status = io.grpc.Status.fromThrowable(failure);
            if (status.getCode() == io.grpc.Status.Code.UNAUTHENTICATED || status.getCode() == io.grpc.Status.Code.PERMISSION_DENIED) {
                LOG.warn("RM session {} refused by the coordinator: {}", hello.getInstanceId(), status.getDescription());
            }
            LOG.debug("RM session {} lost: {}; reconnecting to {}", hello.getInstanceId(), failure.toString(), client.leaderAddress());
        }
        timer.schedule(this::connect, reconnectDelayMillis, TimeUnit.MILLISECONDS);
        reconnectDelayMillis = Math.min(reconnectDelayMillis * 2, 2000);
    }

    /**
     * Before the first welcome, an attempt that did not get through counts against the address tried: a
     * failure that never reached a coordinator (gRPC reports the transport's exception as its cause) or a
     * coordinator refusing this application's credentials. Once every address has so failed its latest
     * attempt, the session is unreachable and the listener told. Anything else (a follower's redirect, a
     * leader not yet elected) is a coordinator on its way to accepting the session.
     */
    private void noteBeforeWelcome(String address, Throwable failure) {
        if (welcomedOnce) {
            return;
        }
        Optional<String> notThrough = notThrough(io.grpc.Status.fromThrowable(failure));
        if (notThrough.isEmpty()) {
            refusedBeforeWelcome.remove(address);
            return;
        }
        refusedBeforeWelcome.put(address, address + ": " + notThrough.get());
        if (refusedBeforeWelcome.keySet().containsAll(client.addresses())) {
            String why = String.join("; ", refusedBeforeWelcome.values());
            if (unreachable == null) {
                LOG.debug("RM session {}: no coordinator accepts connections ({})", hello.getInstanceId(), why);
            }
            unreachable = why;
            listener.unreachable(why);
        }
    }

    /** Why an attempt did not get through to a coordinator that would take the session; empty if it may yet. */
    private static Optional<String> notThrough(io.grpc.Status status) {
        return switch (status.getCode()) {
            case UNAVAILABLE -> Optional.ofNullable(status.getCause())
                    .map(cause -> cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
            case UNAUTHENTICATED, PERMISSION_DENIED -> Optional.of("the coordinator refused this application ("
                    + status.getDescription() + ")");
            default -> Optional.empty();
        };
    }

    private void execute(BranchCommand command) {
        BranchAck.Builder ack = BranchAck.newBuilder().setXid(command.getXid()).setBranchId(command.getBranchId());
        try {
            handler.execute(command);
            ack.setDone(true);
        } catch (WrongDatabaseException e) {
            LOG.warn("phase 2 {} of {} branch {} is in doubt: {}", command.getAction(), command.getXid(), command.getBranchId(),
                    e.getMessage());
            ack.setDone(false).setWrongDatabase(true).setError(e.getMessage());
        } catch (Exception e) {
            LOG.warn("phase 2 {} of {} branch {} failed: {}", command.getAction(), command.getXid(), command.getBranchId(), e.toString());
            ack.setDone(false).setError(String.valueOf(e.getMessage()));
        }
        send(SessionUp.newBuilder().setAck(ack).build());
    }

    /**
     * Tells the coordinator, unasked, that this instance finished phase 2 of branch {@code branchId} of
     * {@code xid} itself (its owner's RM does, right after the decision). Lost if no stream is open: the
     * coordinator then sends the branch its command, which finds it finished.
     */
    public void acknowledge(String xid, long branchId) {
        send(SessionUp.newBuilder().setAck(BranchAck.newBuilder().setXid(xid).setBranchId(branchId).setDone(true)).build());
    }

    /** Sends a heartbeat; a coordinator silent for three intervals is taken for gone. */
    private void heartbeat(long intervalMillis) {
        if (System.nanoTime() - lastHeardNanos > TimeUnit.MILLISECONDS.toNanos(3 * intervalMillis)) {
            LOG.warn("RM session {}: coordinator silent for {} ms; reconnecting", hello.getInstanceId(), 3 * intervalMillis);
            dropConnection();
            return;
        }
        send(SessionUp.newBuilder().setHeartbeat(Heartbeat.newBuilder().setSentAtMillis(System.currentTimeMillis())).build());
    }

    private final class Downstream implements StreamObserver<SessionDown> {
        private final String address;
        private volatile StreamObserver<SessionUp> stream;

        private Downstream(String address) {
            this.address = address;
        }

        @Override
        public void onNext(SessionDown message) {
            lastHeardNanos = System.nanoTime();
            switch (message.getKindCase()) {
                case WELCOME -> unlessClosed(timer, () -> {
                    connected = true;
                    welcomedOnce = true;
                    unreachable = null;
                    refusedBeforeWelcome.clear();
                    reconnectDelayMillis = 50;
                    long every = message.getWelcome().getHeartbeatIntervalMillis() > 0
                            ? message.getWelcome().getHeartbeatIntervalMillis() : HEARTBEAT_MILLIS;
                    heartbeats = timer.scheduleAtFixedRate(() -> heartbeat(every), every, every, TimeUnit.MILLISECONDS);
                    listener.welcomed(message.getWelcome());
                });
                case WITHDRAWN -> unlessClosed(timer, listener::grantWithdrawn);
                case COMMAND -> unlessClosed(workers, () -> execute(message.getCommand()));
                default -> { }
            }
        }

        @Override
        public void onError(Throwable failure) {
            unlessClosed(timer, () -> disconnected(stream, address, failure));
        }

        @Override
        public void onCompleted() {
            unlessClosed(timer, () -> disconnected(stream, address, null));
        }
    }

    /**
     * Hands {@code task} to {@code executor} unless the session is closed: gRPC still calls back after
     * {@link #close()} stopped the executors (the stream's end, a command in flight, which the
     * coordinator sends again to whoever serves the resource next).
     */
    private void unlessClosed(ExecutorService executor, Runnable task) {
        if (closed) {
            return;
        }
        try {
            executor.execute(task);
        } catch (RejectedExecutionException closedMeanwhile) {
            // close() ran between the check and the hand-off
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            if (up != null) {
                up.onCompleted();
                up = null;
            }
        }
        timer.shutdownNow();
        workers.shutdownNow();
    }
}
