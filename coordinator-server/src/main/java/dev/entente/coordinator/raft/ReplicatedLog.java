package dev.entente.coordinator.raft;

import dev.entente.coordinator.backup.DataFolderRestore;
import dev.entente.coordinator.backup.SnapshotBackup;
import dev.entente.coordinator.log.ApplyReply;
import dev.entente.coordinator.log.LogRecord;
import dev.entente.coordinator.log.StatusAnswer;
import dev.entente.coordinator.log.StatusQuery;
import dev.entente.coordinator.security.NodeSecurity;
import dev.entente.coordinator.security.PeerCertificates;
import dev.entente.coordinator.security.PeerRequests;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
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
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.SnapshotManagementRequest;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.metrics.RaftLogMetrics;
import org.apache.ratis.server.metrics.SegmentedRaftLogMetrics;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's member of the coordinator's Raft group: sets up the Ratis server (every tunable named
 * here) and submits records and linearizable reads to it directly, in-process. Records are only ever
 * written through the local server: a node that is not the leader fails the write instead of
 * forwarding it.
 */
public final class ReplicatedLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicatedLog.class);
    /**
     * How long the leader waits between attempts to append to a follower it cannot reach. Ratis' default
     * grows to 5 s (randomly 2.5-7.5 s) after 30 failures, so a node back after half a minute away got
     * nothing for up to 7.5 s; a node that never had the log (new, or its data lost) cannot help elect
     * anyone until it has some (Ratis counts no vote from an empty log), and a leader dying in that
     * window left the cluster without one. A failed attempt costs one refused connection.
     */
    private static final String APPEND_RETRY_POLICY = "1ms,10, 250ms," + Integer.MAX_VALUE;
    /** After this long without a leader, each election this node starts first replaces its connections to its peers. */
    private static final TimeDuration NO_LEADER_TIMEOUT = TimeDuration.valueOf(3, TimeUnit.SECONDS);

    /** The settings of one node's Raft member. */
    public record Settings(String clusterId, String nodeId, Map<String, String> peers, File dataDir,
                           long snapshotThreshold, long logSegmentSize, Duration electionTimeout, Duration writeTimeout,
                           Optional<NodeSecurity.TlsMaterial> tls, Optional<SnapshotBackup> restore) {
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
    private final Duration electionTimeout;
    private final PeerReconnects reconnects;
    private final Map<String, String> startingPeers;
    /** Nodes being added: trusted on the Raft port while the leader brings them up to date, before they are members. */
    private final Map<String, String> joining = new ConcurrentHashMap<>();

    public ReplicatedLog(Settings settings, TransactionStateMachine stateMachine) throws IOException {
        this.groupId = RaftGroupId.valueOf(UUID.nameUUIDFromBytes(
                ("entente-coordinator:" + settings.clusterId()).getBytes(StandardCharsets.UTF_8)));
        this.self = RaftPeerId.valueOf(settings.nodeId());
        this.writeTimeout = settings.writeTimeout();
        this.electionTimeout = settings.electionTimeout();
        this.startingPeers = Map.copyOf(settings.peers());
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
        // each snapshot lets the closed log files before it go (Ratis' default waits for 1024 more entries)
        RaftServerConfigKeys.Log.setPurgeGap(properties, (int) Math.min(1024, settings.snapshotThreshold()));
        RaftServerConfigKeys.Log.setSegmentSizeMax(properties, SizeInBytes.valueOf(settings.logSegmentSize()));
        long election = settings.electionTimeout().toMillis();
        RaftServerConfigKeys.Rpc.setTimeoutMin(properties, TimeDuration.valueOf(election, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(properties, TimeDuration.valueOf(election * 2, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Log.Appender.setRetryPolicy(properties, APPEND_RETRY_POLICY);
        RaftServerConfigKeys.Notification.setNoLeaderTimeout(properties, NO_LEADER_TIMEOUT);
        // No log-metadata entries (Ratis writes one per commit-index advance, each flushed like a decision:
        // about half of all flushes, measured in docs/benchmarks.md). Raft needs no durable commit index:
        // a restarted node learns it from its leader, or as leader by committing an entry of its own term.
        RaftServerConfigKeys.Log.setLogMetadataEnabled(properties, false);
        Parameters parameters = new Parameters();
        // nodes speak mutual TLS: each presents its certificate, and accepts only peers signed by the CA
        // whose certificates name a node of the group (the one dialled, when this node dials); a request
        // counts only from the node the certificate of its connection names
        settings.tls().ifPresent(tls -> {
            GrpcConfigKeys.TLS.setConf(parameters,
                    new GrpcTlsConfig(tls.keyManager(), new PeerCertificates(tls.trustManager(), this::trustedMembers), true));
            PeerRequests requests = new PeerRequests();
            GrpcConfigKeys.Server.setServicesCustomizer(parameters, (builder, services) -> builder.intercept(requests));
        });
        boolean logExists = new File(settings.dataDir(), groupId.getUuid().toString()).exists();
        if (settings.restore().isPresent()
                && DataFolderRestore.needed(settings.restore().get(), settings.dataDir().toPath(), logExists)) {
            stateMachine.restoreFrom(settings.restore().get());
            LOG.info("node {} starts from {}", self, settings.restore().get().describe());
        }
        this.server = RaftServer.newBuilder()
                .setServerId(self)
                .setParameters(parameters)
                .setGroup(RaftGroup.valueOf(groupId, peers))
                .setProperties(properties)
                .setStateMachine(stateMachine)
                .setOption(logExists ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
                .build();
        this.reconnects = new PeerReconnects(server, () -> members().keySet().stream().map(RaftPeerId::valueOf)
                .filter(id -> !id.equals(self)).toList());
        stateMachine.setNoLeaderListener(this::noLeaderForLong);
    }

    /** This node has known no leader for a while: says so, and reconnects to every peer in case a connection is stuck. */
    private void noLeaderForLong(RoleInfoProto role) {
        LOG.info("node {} has known no leader for {} ms ({} at term {}): reconnecting to its peers", self,
                role.getCandidateInfo().getLastLeaderElapsedTimeMs(), role.getRole(), term());
        reconnects.replaceChannels();
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
        return status(xid, 0);
    }

    /** A linearizable read of one branch's outcome ({@code branchId} 0: the transaction's). */
    public CompletableFuture<StatusAnswer> status(String xid, long branchId) {
        Message query = Message.valueOf(ByteString.copyFrom(StatusQuery.newBuilder().setXid(xid).setBranchId(branchId)
                .build().toByteArray()));
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

    /**
     * Has this node's state machine write a snapshot of all it has applied, unless it applied nothing since
     * its latest one; the log index of the snapshot that stands.
     */
    public long takeSnapshot(Duration patience) throws IOException {
        RaftClientReply reply = server.snapshotManagement(SnapshotManagementRequest.newCreate(clientId, self, groupId,
                callIds.incrementAndGet(), patience.toMillis(), 1));
        if (!reply.isSuccess()) {
            throw new IOException("node " + self + " could not take a snapshot: " + reply.getException());
        }
        return reply.getLogIndex();
    }

    /**
     * The members of the group, as its current configuration names them (the nodes of {@code --peers} until a
     * configuration of the log says otherwise): node id to Raft address, in id order.
     */
    public Map<String, String> members() {
        Map<String, String> members = new TreeMap<>();
        try {
            server.getDivision(groupId).getRaftConf().getCurrentPeers()
                    .forEach(peer -> members.put(peer.getId().toString(), peer.getAddress()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return members;
    }

    /** Whom the Raft port trusts: the members, the nodes of {@code --peers}, and the nodes being added. */
    private Map<String, String> trustedMembers() {
        Map<String, String> trusted = new TreeMap<>(startingPeers);
        trusted.putAll(joining);
        try {
            if (server != null) {
                trusted.putAll(members());
            }
        } catch (UncheckedIOException e) {
            // the group is not up yet: --peers it is
        }
        return trusted;
    }

    /**
     * Makes {@code members} the group's members (node id to Raft address); on the leader only. Ratis first
     * brings every new member up to date (sending it the latest snapshot when the log before it is gone),
     * then commits the new configuration, under which the nodes left out are no longer members. Decisions
     * go on meanwhile. Throws {@link NotLeaderException} on a node that does not lead, an {@link IOException}
     * naming why otherwise (a new node that does not answer within {@code patience}, say).
     */
    public void setMembers(Map<String, String> members, Duration patience) throws IOException {
        Map<String, String> current = members();
        members.forEach((id, address) -> {
            if (!current.containsKey(id)) {
                joining.put(id, address);
            }
        });
        List<RaftPeer> peers = members.entrySet().stream()
                .map(p -> RaftPeer.newBuilder().setId(p.getKey()).setAddress(p.getValue()).build()).toList();
        SetConfigurationRequest request = new SetConfigurationRequest(clientId, self, groupId, callIds.incrementAndGet(),
                SetConfigurationRequest.Arguments.newBuilder().setServersInNewConf(peers)
                        .setMode(SetConfigurationRequest.Mode.SET_UNCONDITIONALLY).build());
        RaftClientReply reply;
        try {
            reply = server.setConfigurationAsync(request).get(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException("node " + self + " could not change the members to " + members.keySet() + ": "
                    + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the members did not change to " + members.keySet() + " within " + patience.toSeconds()
                    + " s: is every new node running, and does it reach the others' Raft ports?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while changing the members", e);
        } finally {
            joining.keySet().removeAll(members.keySet());
        }
        if (reply.getNotLeaderException() != null) {
            throw new NotLeaderException(reply.getNotLeaderException().getMessage());
        }
        if (!reply.isSuccess()) {
            throw new IOException("node " + self + " could not change the members to " + members.keySet() + ": "
                    + reply.getException());
        }
    }

    private DivisionInfo info() {
        try {
            return server.getDivision(groupId).getInfo();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Hands this node's leadership to a follower and waits until that follower leads: each follower
     * heard from within an election timeout is asked in turn, the most recently heard first (Ratis
     * brings it up to date, then has it stand for election at once). The follower that took over; empty
     * if this node does not lead, or still leads after {@code patience}. A transfer whose answer timed
     * out but after which this node no longer leads counts as done: the follower won its election and
     * this node has not heard from it yet (seen on a loaded machine).
     */
    public Optional<String> transferLeadership(Duration patience) {
        RoleInfoProto role = info().getRoleInfoProto();
        if (!role.hasLeaderInfo()) {
            return Optional.empty();
        }
        long deadline = System.nanoTime() + patience.toNanos();
        List<RaftPeerId> answering = role.getLeaderInfo().getFollowerInfoList().stream()
                .filter(follower -> follower.getLastRpcElapsedTimeMs() < electionTimeout.toMillis())
                .sorted(Comparator.comparingLong(ServerRpcProto::getLastRpcElapsedTimeMs))
                .map(follower -> RaftPeerId.valueOf(follower.getId().getId()))
                .toList();
        for (RaftPeerId follower : answering) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                break;
            }
            try {
                RaftClientReply reply = server.transferLeadership(new TransferLeadershipRequest(clientId, self, groupId,
                        callIds.incrementAndGet(), follower, left));
                if (reply.isSuccess() || !info().isLeader()) {
                    return Optional.of(follower.toString());
                }
                LOG.info("node {} could not hand leadership to {}: {}", self, follower, String.valueOf(reply.getException()));
            } catch (IOException e) {
                LOG.info("node {} could not hand leadership to {}: {}", self, follower, e.toString());
            }
        }
        return Optional.empty();
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
