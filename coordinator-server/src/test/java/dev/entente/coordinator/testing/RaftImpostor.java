package dev.entente.coordinator.testing;

import dev.entente.protocol.tls.PemFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.impl.BaseStateMachine;

/**
 * A real Ratis server that claims to be one node of a coordinator cluster's Raft group: it listens at
 * that node's Raft address, knows the group's id (derived from the cluster's name, as every node derives
 * it) and presents a certificate of the cluster's CA, with mutual TLS as the nodes speak it. What a
 * holder of some other certificate from the same CA could run.
 */
public final class RaftImpostor implements AutoCloseable {

    private final RaftServer server;
    private final RaftGroupId groupId;

    private RaftImpostor(RaftServer server, RaftGroupId groupId) {
        this.server = server;
        this.groupId = groupId;
    }

    /** Poses as {@code nodeId} of the cluster named {@code clusterName} whose nodes are {@code peers}, presenting {@code certificate}. */
    public static RaftImpostor start(String clusterName, String nodeId, Map<String, String> peers, Path certificate, Path key,
                                     Path authority, Path dataDir) throws IOException {
        RaftGroupId groupId = RaftGroupId.valueOf(UUID.nameUUIDFromBytes(
                ("entente-coordinator:" + clusterName).getBytes(StandardCharsets.UTF_8)));
        List<RaftPeer> members = peers.entrySet().stream()
                .map(p -> RaftPeer.newBuilder().setId(p.getKey()).setAddress(p.getValue()).build()).toList();
        String own = peers.get(nodeId);
        RaftProperties properties = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(properties, List.of(dataDir.toFile()));
        GrpcConfigKeys.Server.setHost(properties, own.substring(0, own.lastIndexOf(':')));
        GrpcConfigKeys.Server.setPort(properties, Integer.parseInt(own.substring(own.lastIndexOf(':') + 1)));
        Parameters parameters = new Parameters();
        GrpcConfigKeys.TLS.setConf(parameters, new GrpcTlsConfig(PemFiles.keyManager("certificate", certificate, "key", key),
                PemFiles.trustManager("authority", authority), true));
        RaftServer server = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(nodeId))
                .setGroup(RaftGroup.valueOf(groupId, members))
                .setProperties(properties)
                .setParameters(parameters)
                .setStateMachine(new BaseStateMachine())
                .setOption(RaftStorage.StartupOption.FORMAT)
                .build();
        server.start();
        return new RaftImpostor(server, groupId);
    }

    /** The leader the group's nodes made this server believe in, or null while none reached it. */
    public String leaderId() {
        RaftPeerId leader = division().getInfo().getLeaderId();
        return leader == null ? null : leader.toString();
    }

    /** How many log entries the group's leader sent this server. */
    public long entriesReceived() {
        return division().getRaftLog().getNextIndex();
    }

    private RaftServer.Division division() {
        try {
            return server.getDivision(groupId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
