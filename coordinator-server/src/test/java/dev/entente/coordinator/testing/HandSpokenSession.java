package dev.entente.coordinator.testing;

import dev.entente.protocol.BranchAck;
import dev.entente.protocol.CoordinatorGrpc;
import dev.entente.protocol.SessionDown;
import dev.entente.protocol.SessionHello;
import dev.entente.protocol.SessionUp;
import dev.entente.protocol.client.ClientSecurity;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * An RM session spoken by hand on a channel of its own, as a misbehaving or hostile application would:
 * its hello may claim any instance id, and it may send acknowledgements for commands it never received.
 * Unlike {@link FakeRm} it never reconnects, acknowledges nothing by itself and sends no heartbeats
 * (the coordinator closes it after three silent seconds).
 */
public final class HandSpokenSession implements AutoCloseable {

    private final ManagedChannel channel;
    private final StreamObserver<SessionUp> up;
    private final CompletableFuture<String> welcomedBy = new CompletableFuture<>();
    private final List<SessionDown> received = new CopyOnWriteArrayList<>();

    /** Opens a session to the coordinator at {@code address} (its leader's client address) and says {@code hello}. */
    public HandSpokenSession(String address, ClientSecurity security, SessionHello hello) {
        channel = NettyChannelBuilder.forTarget(address, security.channelCredentials()).build();
        up = CoordinatorGrpc.newStub(channel).session(new StreamObserver<>() {
            @Override
            public void onNext(SessionDown message) {
                received.add(message);
                if (message.hasWelcome()) {
                    welcomedBy.complete(message.getWelcome().getNodeId());
                }
            }

            @Override
            public void onError(Throwable failure) {
                welcomedBy.completeExceptionally(failure);
            }

            @Override
            public void onCompleted() {
                welcomedBy.completeExceptionally(new IllegalStateException("the coordinator ended the session"));
            }
        });
        up.onNext(SessionUp.newBuilder().setHello(hello).build());
    }

    /** Waits for the coordinator's welcome; the welcoming node's id. */
    public String awaitWelcome() throws Exception {
        return welcomedBy.get(30, TimeUnit.SECONDS);
    }

    /** Acknowledges a branch's phase 2 as done, whether or not this session was sent its command. */
    public void acknowledge(String xid, long branchId) {
        up.onNext(SessionUp.newBuilder().setAck(BranchAck.newBuilder().setXid(xid).setBranchId(branchId).setDone(true)).build());
    }

    /** The phase-2 commands this session was sent. */
    public List<SessionDown> commands() {
        return received.stream().filter(SessionDown::hasCommand).toList();
    }

    @Override
    public void close() {
        try {
            up.onCompleted();
        } catch (RuntimeException alreadyClosed) {
            // the coordinator ended it first
        }
        channel.shutdownNow();
    }
}
