package dev.entente.coordinator.raft;

import dev.entente.coordinator.log.ApplyReply;
import dev.entente.coordinator.log.LogRecord;
import dev.entente.coordinator.log.StatusAnswer;
import dev.entente.coordinator.log.StatusQuery;
import dev.entente.coordinator.security.NodeSecurity;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.metrics.RatisMetrics;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.metrics.RaftLogMetrics;
import org.apache.ratis.server.metrics.SegmentedRaftLogMetrics;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;

/**
 * This node's member of the coordinator's Raft group: sets up the Ratis server (every tunable named
 * here) and submits records and linearizable reads to it directly, in-process. Records are only ever
 * written through the local server: a node that is not the leader fails the write instead of
 * forwarding it.
 */
public final class ReplicatedLog implements AutoCloseable {

    /** The settings of one node's Raft member. */
    public record Settings(String clusterId, String nodeId, Map<String, String> peers, File dataDir,
                           long snapshotThreshold, Duration electionTimeout, Duration writeTimeout,
                           Optional<NodeSecurity.TlsMaterial> tls) {
    }

    /** A write or read that failed because this node is not (or no longer) the leader. */
    public static final class NotLeaderException extends RuntimeException {
        public NotLeaderException(String message) {
            super(message);
        }
    }

    private final RaftServer server;
    private final RaftGroupId groupId;
    private final RaftPeerId self;
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();
    private final Duration writeTimeout;
    private final PeerReconnects reconnects;

    public ReplicatedLog(Settings settings, TransactionStateMachine stateMachine) throws IOException {
        this.groupId = RaftGroupId.valueOf(UUID.nameUUIDFromBytes(
                ("entente-coordinator:" + settings.clusterId()).getBytes(StandardCharsets.UTF_8)));
        this.self = RaftPeerId.valueOf(settings.nodeId());
        this.writeTimeout = settings.writeTimeout();
        List<RaftPeer> peers = settings.peers().entrySet().stream()
                .map(p -> RaftPeer.newBuilder().setId(p.getKey()).setAddress(p.getValue()).build())
                .toList();
        String ownAddress = settings.peers().get(settings.nodeId());
        RaftProperties properties = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(properties, List.of(settings.dataDir()));
        GrpcConfigKeys.Server.setHost(properties, ownAddress.substring(0, ownAddress.lastIndexOf(':')));
        GrpcConfigKeys.Server.setPort(properties, Integer.parseInt(ownAddress.substring(ownAddress.lastIndexOf(':') + 1)));
        RaftServerConfigKeys.Read.setOption(properties, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(properties, settings.snapshotThreshold());
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(properties, 2);
        long election = settings.electionTimeout().toMillis();
        RaftServerConfigKeys.Rpc.setTimeoutMin(properties, TimeDuration.valueOf(election, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(properties, TimeDuration.valueOf(election * 2, TimeUnit.MILLISECONDS));
        Parameters parameters = new Parameters();
        // nodes speak mutual TLS: each presents its certificate, and accepts only peers signed by the CA
        settings.tls().ifPresent(tls -> GrpcConfigKeys.TLS.setConf(parameters,
                new GrpcTlsConfig(tls.keyManager(), tls.trustManager(), true)));
        this.server = RaftServer.newBuilder()
                .setServerId(self)
                .setParameters(parameters)
                .setGroup(RaftGroup.valueOf(groupId, peers))
                .setProperties(properties)
                .setStateMachine(stateMachine)
                .setOption(new File(settings.dataDir(), groupId.getUuid().toString()).exists()
                        ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
                .build();
        this.reconnects = new PeerReconnects(server, peers.stream().map(RaftPeer::getId).filter(id -> !id.equals(self)).toList());
    }

    public void start() throws IOException {
        server.start();
        reconnects.start();
    }

    /** Appends {@code record}; completes with the state machine's reply once a quorum committed it. */
    public CompletableFuture<ApplyReply> append(LogRecord record) {
        RaftClientRequest request = request(Message.valueOf(ByteString.copyFrom(record.toByteArray())),
                RaftClientRequest.writeRequestType());
        return submit(request).thenApply(content -> {
            try {
                return ApplyReply.parseFrom(content.toByteArray());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** A linearizable read of a transaction's replicated state. */
    public CompletableFuture<StatusAnswer> status(String xid) {
        Message query = Message.valueOf(ByteString.copyFrom(StatusQuery.newBuilder().setXid(xid).build().toByteArray()));
        return submit(request(query, RaftClientRequest.readRequestType())).thenApply(content -> {
            try {
                return StatusAnswer.parseFrom(content.toByteArray());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private RaftClientRequest request(Message message, RaftClientRequest.Type type) {
        return RaftClientRequest.newBuilder()
                .setClientId(clientId)
                .setServerId(self)
                .setGroupId(groupId)
                .setCallId(callIds.incrementAndGet())
                .setMessage(message)
                .setType(type)
                .build();
    }

    private CompletableFuture<ByteString> submit(RaftClientRequest request) {
        CompletableFuture<RaftClientReply> reply;
        try {
            reply = server.submitClientRequestAsync(request);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        return reply.orTimeout(writeTimeout.toMillis(), TimeUnit.MILLISECONDS).thenApply(r -> {
            if (r.getNotLeaderException() != null) {
                throw new NotLeaderException(r.getNotLeaderException().getMessage());
            }
            if (!r.isSuccess()) {
                throw new CompletionException(r.getException() != null ? r.getException()
                        : new IOException("the Raft request failed without a reason"));
            }
            return r.getMessage().getContent();
        });
    }

    private DivisionInfo info() {
        try {
            return server.getDivision(groupId).getInfo();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True if this node leads and has committed an entry of its term, so it may serve transactions. */
    public boolean isLeaderReady() {
        DivisionInfo info = info();
        return info.isLeader() && info.isLeaderReady();
    }

    public String nodeId() {
        return self.toString();
    }

    public RaftPeerRole role() {
        return info().getCurrentRole();
    }

    /** The id of the node this one takes for the leader, or null if it knows none. */
    public String leaderId() {
        RaftPeerId leader = info().getLeaderId();
        return leader == null ? null : leader.toString();
    }

    public long term() {
        return info().getCurrentTerm();
    }

    public long lastAppliedIndex() {
        return info().getLastAppliedIndex();
    }

    /** True while this node's Raft member runs (it has not stopped, by a close or a failure). */
    public boolean isRunning() {
        return info().isAlive();
    }

    /** For a follower: how long ago it last heard from its leader; empty on a node that is not a follower. */
    public Optional<Duration> sinceLeaderContact() {
        RoleInfoProto role = info().getRoleInfoProto();
        if (role.getRole() != RaftPeerRole.FOLLOWER || !role.getFollowerInfo().hasLeaderInfo()) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofMillis(role.getFollowerInfo().getLeaderInfo().getLastRpcElapsedTimeMs()));
    }

    /** For the leader: how many of its followers answered it within {@code bound}; 0 on any other node. */
    public int followersHeardWithin(Duration bound) {
        RoleInfoProto role = info().getRoleInfoProto();
        if (role.getRole() != RaftPeerRole.LEADER) {
            return 0;
        }
        return (int) role.getLeaderInfo().getFollowerInfoList().stream()
                .filter(follower -> follower.getLastRpcElapsedTimeMs() <= bound.toMillis()).count();
    }

    /**
     * The leader's commit index as this node knows it: its own when it leads; on a follower, what the
     * leader last told it (Ratis carries every member's commit index in its append requests).
     */
    public OptionalLong leaderCommitIndex() {
        String leader = leaderId();
        if (leader == null) {
            return OptionalLong.empty();
        }
        if (leader.equals(nodeId())) {
            return OptionalLong.of(commitIndex());
        }
        try {
            return server.getDivision(groupId).getCommitInfos().stream()
                    .filter(commit -> commit.getServer().getId().toStringUtf8().equals(leader))
                    .mapToLong(CommitInfoProto::getCommitIndex).findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long commitIndex() {
        try {
            return server.getDivision(groupId).getRaftLog().getLastCommittedIndex();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * How many times this node's Raft log was flushed to disk (Ratis' own count). Concurrent decisions
     * share a flush: decisions committed per flush is the group commit.
     */
    public long logFlushes() {
        try {
            RaftLogMetrics metrics = server.getDivision(groupId).getRaftLog().getRaftLogMetrics();
            return metrics instanceof RatisMetrics ratis
                    ? ratis.getRegistry().counter(SegmentedRaftLogMetrics.RAFT_LOG_FLUSH_COUNT).getCount() : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        reconnects.close();
        server.close();
    }
}
