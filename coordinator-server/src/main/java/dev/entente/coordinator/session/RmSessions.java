package dev.entente.coordinator.session;

import dev.entente.coordinator.txn.Caller;
import dev.entente.coordinator.txn.SessionGrants;
import dev.entente.protocol.BranchAck;
import dev.entente.protocol.SessionDown;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RM sessions connected to this node, one per application instance. A session that sends nothing
 * for three heartbeat intervals is taken for dead and closed.
 */
public final class RmSessions {

    private static final Logger LOG = LoggerFactory.getLogger(RmSessions.class);

    /** Told about sessions that open and acks that arrive. */
    public interface Listener {
        void sessionOpened(ServerRmSession session);

        void acknowledged(ServerRmSession session, BranchAck ack);
    }

    private final String nodeId;
    private final long heartbeatMillis;
    private final Supplier<Metadata> leaderTrailers;
    /**
     * Keyed by the authenticated application and the instance id, so no application can take another's
     * instance id, its session and its phase-2 commands (without authentication the application is "").
     */
    private final ConcurrentHashMap<InstanceKey, ServerRmSession> byInstance = new ConcurrentHashMap<>();
    private final Supplier<Optional<String>> clusterId;
    private final Welcomes welcomes;
    private volatile Listener listener;

    /** What a welcome grants: session numbers, and the timeouts a TM mints its XIDs' deadlines with. */
    public record Welcomes(SessionGrants grants, long defaultTimeoutMillis, long maxTimeoutMillis) {
    }

    /** An application instance's RM, as the coordinator knows it. */
    record InstanceKey(String app, String instanceId) {
    }

    public RmSessions(String nodeId, Supplier<Optional<String>> clusterId, Welcomes welcomes, long heartbeatMillis,
                      ScheduledExecutorService timer, Supplier<Metadata> leaderTrailers) {
        this.nodeId = nodeId;
        this.clusterId = clusterId;
        this.welcomes = welcomes;
        this.heartbeatMillis = heartbeatMillis;
        this.leaderTrailers = leaderTrailers;
        timer.scheduleWithFixedDelay(this::closeSilentSessions, heartbeatMillis, heartbeatMillis, TimeUnit.MILLISECONDS);
    }

    public void setListener(Listener listener) {
        this.listener = listener;
    }

    /** The coordinator's end of a new session stream. */
    public ServerRmSession accept(StreamObserver<SessionDown> down, Caller caller) {
        return new ServerRmSession(down, this, nodeId, caller);
    }

    Optional<String> clusterId() {
        return clusterId.get();
    }

    Welcomes welcomes() {
        return welcomes;
    }

    long heartbeatMillis() {
        return heartbeatMillis;
    }

    Metadata trailersForClose() {
        return leaderTrailers.get();
    }

    void opened(ServerRmSession session) {
        ServerRmSession previous = byInstance.put(session.key(), session);
        if (previous != null && previous != session) {
            previous.close(Status.ABORTED.withDescription("replaced by a newer session of instance " + session.instanceId()));
        }
        LOG.info("RM session opened: app={} instance={} resources={}", session.app(), session.instanceId(), session.resources());
        listener.sessionOpened(session);
    }

    void closed(ServerRmSession session) {
        if (byInstance.remove(session.key(), session)) {
            LOG.info("RM session closed: instance={}", session.instanceId());
        }
    }

    void acknowledged(ServerRmSession session, BranchAck ack) {
        listener.acknowledged(session, ack);
    }

    /**
     * A live session to finish a branch on {@code resource} of one of {@code owner}'s transactions that
     * application {@code app} registered: the registering instance's if it is connected, else another
     * instance's of the same application. Never another application's, even one that serves the same
     * resource and takes part in {@code owner}'s transactions: it could acknowledge the branch without
     * finishing it. ({@code app} is "" without authentication, and in decisions written before branches
     * recorded it: then any application's session that qualifies.)
     */
    public Optional<ServerRmSession> pick(String resource, String app, String preferredInstance, String owner) {
        ServerRmSession preferred = byInstance.get(new InstanceKey(app, preferredInstance));
        if (preferred != null && preferred.serves(resource, owner)) {
            return Optional.of(preferred);
        }
        return byInstance.values().stream()
                .filter(s -> (app.isEmpty() || s.key().app().equals(app)) && s.serves(resource, owner))
                .findFirst();
    }

    public int size() {
        return byInstance.size();
    }

    public List<ServerRmSession> all() {
        return List.copyOf(byInstance.values());
    }

    /** Ends every session (this node stopped leading): RMs reconnect to the new leader. */
    /** Tells every session to mint no more XIDs from its grant ({@code why}): this leader is handing over. */
    public void withdrawGrants(String why) {
        byInstance.values().forEach(s -> s.withdrawGrant(why));
    }

    public void closeAll(String why) {
        byInstance.values().forEach(s -> s.close(Status.UNAVAILABLE.withDescription(why)));
    }

    private void closeSilentSessions() {
        long limit = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(3 * heartbeatMillis);
        for (ServerRmSession session : byInstance.values()) {
            if (session.lastSeenNanos() < limit) {
                LOG.warn("RM session {} silent for {} ms: closing it", session.instanceId(), 3 * heartbeatMillis);
                session.close(Status.DEADLINE_EXCEEDED.withDescription("no heartbeat for " + 3 * heartbeatMillis + " ms"));
            }
        }
    }
}
