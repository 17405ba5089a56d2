package dev.entente.coordinator.raft;

import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.grpc.server.GrpcServerProtocolClient;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerRpcWithProxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's Raft connections to its peers from backing off for long. A gRPC channel to a peer
 * that could not be reached retries with exponential backoff, up to two minutes apart, and Ratis' vote
 * requests do not wait for a channel to connect: they fail at once while it backs off. Ratis cuts the
 * backoff short when the leader fails to append to a follower, but not for votes: a node back from a
 * crash or a partition could stay unreachable to the other survivor's vote requests for minutes, and
 * a leader dying in that window left two live nodes unable to elect anyone. Once a second this makes
 * every channel in backoff try again now: at most one connection attempt per peer per second.
 * <p>
 * A channel that is not backing off but stuck (a connection a partition left half-open, on which every
 * request waits for its deadline) is not helped by that: {@link #replaceChannels} throws every
 * channel away for a new one, which this node does when it has known no leader for a while.
 */
final class PeerReconnects implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PeerReconnects.class);
    private static final long PERIOD_MILLIS = 1_000;

    private final RaftServer server;
    private final Supplier<List<RaftPeerId>> peers;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "entente-raft-reconnects");
        thread.setDaemon(true);
        return thread;
    });

    /** @param peers the other nodes of the group (not this one), as they are now */
    PeerReconnects(RaftServer server, Supplier<List<RaftPeerId>> peers) {
        this.server = server;
        this.peers = peers;
    }

    void start() {
        timer.scheduleWithFixedDelay(this::cutBackoffsShort, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void cutBackoffsShort() {
        if (!(server.getServerRpc() instanceof RaftServerRpcWithProxy<?, ?> rpc)) {
            return; // not the gRPC transport: nothing of ours to reset
        }
        for (RaftPeerId peer : peers.get()) {
            try {
                if (rpc.getProxies().getProxy(peer) instanceof GrpcServerProtocolClient channels) {
                    channels.resetConnectBackoff();
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("could not reset the connection backoff to peer {}: {}", peer, e.toString());
            }
        }
    }

    /**
     * Closes the channel to every peer; the next request to a peer opens a new one. Runs on this
     * class's own thread: closing a channel waits for its calls to end, and Ratis calls for this
     * holding its server's lock.
     */
    void replaceChannels() {
        timer.execute(() -> {
            if (server.getServerRpc() instanceof RaftServerRpcWithProxy<?, ?> rpc) {
                peers.get().forEach(rpc.getProxies()::resetProxy);
            }
        });
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
