package dev.entente.coordinator.session;

import com.google.protobuf.ByteString;
import dev.entente.coordinator.txn.Caller;
import dev.entente.coordinator.txn.Rejection;
import dev.entente.coordinator.txn.SessionGrants;
import dev.entente.protocol.BranchAck;
import dev.entente.protocol.BranchCommand;
import dev.entente.protocol.GrantWithdrawn;
import dev.entente.protocol.Heartbeat;
import dev.entente.protocol.SessionDown;
import dev.entente.protocol.SessionHello;
import dev.entente.protocol.SessionUp;
import dev.entente.protocol.SessionWelcome;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's end of one RM session: validates what the RM sends, keeps its liveness, and
 * carries phase-2 commands down to it.
 */
public final class ServerRmSession implements StreamObserver<SessionUp> {

    private static final Logger LOG = LoggerFactory.getLogger(ServerRmSession.class);
    private static final int MAX_ID = 256;
    private static final int MAX_RESOURCES = 1000;

    private final StreamObserver<SessionDown> down;
    private final RmSessions registry;
    private final String nodeId;
    private final Caller caller;
    private volatile SessionHello hello;
    private volatile long lastSeenNanos = System.nanoTime();
    private boolean ended;

    ServerRmSession(StreamObserver<SessionDown> down, RmSessions registry, String nodeId, Caller caller) {
        this.down = down;
        this.registry = registry;
        this.nodeId = nodeId;
        this.caller = caller;
    }

    public String instanceId() {
        return hello == null ? "" : hello.getInstanceId();
    }

    public String app() {
        return hello == null ? "" : hello.getApp();
    }

    /** Its application as authenticated, "" without authentication. */
    public String authenticatedApp() {
        return caller.app().orElse("");
    }

    /** Its application as authenticated ("" without authentication) and its instance id. */
    RmSessions.InstanceKey key() {
        return new RmSessions.InstanceKey(caller.app().orElse(""), instanceId());
    }

    /** True if this session finishes branches on {@code resource} of transactions {@code owner} began. */
    public boolean serves(String resource, String owner) {
        return hello != null && hello.getResourcesList().contains(resource) && caller.mayTakePart(owner);
    }

    public Set<String> resources() {
        return hello == null ? Set.of() : Set.copyOf(hello.getResourcesList());
    }

    long lastSeenNanos() {
        return lastSeenNanos;
    }

    @Override
    public void onNext(SessionUp message) {
        lastSeenNanos = System.nanoTime();
        if (hello == null) {
            if (message.getKindCase() != SessionUp.KindCase.HELLO) {
                close(Status.INVALID_ARGUMENT.withDescription("the first message of an RM session must be hello, got "
                        + message.getKindCase()));
                return;
            }
            String invalid = invalidHello(message.getHello());
            if (invalid != null) {
                close(Status.INVALID_ARGUMENT.withDescription("RM session hello: " + invalid));
                return;
            }
            if (caller.app().isPresent() && !caller.app().get().equals(message.getHello().getApp())) {
                close(Status.PERMISSION_DENIED.withDescription("RM session hello names application '"
                        + message.getHello().getApp() + "' but the credentials are " + caller));
                return;
            }
            Optional<String> clusterId = registry.clusterId();
            if (clusterId.isEmpty()) {
                close(Status.UNAVAILABLE.withDescription("coordinator node " + nodeId
                        + " has not written the cluster's identity yet; retry shortly"));
                return;
            }
            SessionGrants.Grant grant;
            try {
                grant = registry.welcomes().grants().open(message.getHello().getApp());
            } catch (Rejection refused) {
                close(Status.UNAVAILABLE.withDescription("coordinator node " + nodeId + ": " + refused.getMessage()));
                return;
            }
            hello = message.getHello();
            send(SessionDown.newBuilder().setWelcome(SessionWelcome.newBuilder().setNodeId(nodeId)
                    .setHeartbeatIntervalMillis(registry.heartbeatMillis()).setClusterId(clusterId.get())
                    .setTerm(grant.term()).setSession(grant.session()).setSessionKey(ByteString.copyFrom(grant.sessionKey()))
                    .setDefaultTimeoutMillis(registry.welcomes().defaultTimeoutMillis())
                    .setMaxTimeoutMillis(registry.welcomes().maxTimeoutMillis())).build());
            registry.opened(this);
            return;
        }
        switch (message.getKindCase()) {
            case HEARTBEAT -> send(SessionDown.newBuilder()
                    .setHeartbeat(Heartbeat.newBuilder().setSentAtMillis(System.currentTimeMillis())).build());
            case ACK -> acknowledged(message.getAck());
            case HELLO -> close(Status.INVALID_ARGUMENT.withDescription("RM session " + instanceId() + " sent a second hello"));
            default -> close(Status.INVALID_ARGUMENT.withDescription("RM session " + instanceId() + " sent an empty message"));
        }
    }

    private void acknowledged(BranchAck ack) {
        if (ack.getXid().isEmpty() || ack.getBranchId() < 1) {
            LOG.warn("RM session {} sent an ack without XID or branch id; ignored", instanceId());
            return;
        }
        registry.acknowledged(this, ack);
    }

    private static String invalidHello(SessionHello hello) {
        if (hello.getInstanceId().isBlank() || hello.getInstanceId().length() > MAX_ID) {
            return "instance_id must be 1-" + MAX_ID + " characters";
        }
        if (hello.getApp().length() > MAX_ID) {
            return "app may have at most " + MAX_ID + " characters";
        }
        if (hello.getResourcesCount() > MAX_RESOURCES) {
            return "at most " + MAX_RESOURCES + " resources per session";
        }
        for (String resource : hello.getResourcesList()) {
            if (resource.isBlank() || resource.length() > MAX_ID) {
                return "each resource must be 1-" + MAX_ID + " characters";
            }
        }
        return null;
    }

    /** Pushes a phase-2 command; false if the session is already closed. */
    /** The session's TM mints no more XIDs from the grant its welcome gave. */
    void withdrawGrant(String why) {
        send(SessionDown.newBuilder().setWithdrawn(GrantWithdrawn.newBuilder().setReason(why)).build());
    }

    public boolean send(BranchCommand command) {
        return send(SessionDown.newBuilder().setCommand(command).build());
    }

    private synchronized boolean send(SessionDown message) {
        if (ended) {
            return false;
        }
        try {
            down.onNext(message);
            return true;
        } catch (RuntimeException e) {
            LOG.debug("RM session {}: send failed: {}", instanceId(), e.toString());
            return false;
        }
    }

    /** Ends the session with {@code status}; the RM reconnects. */
    public void close(Status status) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            try {
                down.onError(status.asRuntimeException(registry.trailersForClose()));
            } catch (RuntimeException e) {
                LOG.debug("RM session {}: close failed: {}", instanceId(), e.toString());
            }
        }
        registry.closed(this);
    }

    @Override
    public void onError(Throwable failure) {
        synchronized (this) {
            ended = true;
        }
        registry.closed(this);
    }

    @Override
    public void onCompleted() {
        synchronized (this) {
            if (!ended) {
                ended = true;
                down.onCompleted();
            }
        }
        registry.closed(this);
    }
}
