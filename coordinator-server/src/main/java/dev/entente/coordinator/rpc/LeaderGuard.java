package dev.entente.coordinator.rpc;

import dev.entente.coordinator.raft.ReplicatedLog;
import dev.entente.protocol.LeaderHint;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Optional;
import java.util.function.Function;

/** Lets only a ready leader serve; everyone else is told where the leader is. */
public final class LeaderGuard {

    private final ReplicatedLog log;
    private final Function<String, Optional<String>> clientAddressOfNode;

    public LeaderGuard(ReplicatedLog log, Function<String, Optional<String>> clientAddressOfNode) {
        this.log = log;
        this.clientAddressOfNode = clientAddressOfNode;
    }

    /** @throws StatusRuntimeException UNAVAILABLE, with the leader's address as a trailer, unless this node leads */
    public void requireLeader() {
        if (!log.isLeaderReady()) {
            throw notLeader();
        }
    }

    public StatusRuntimeException notLeader() {
        String leader = log.leaderId();
        String description;
        if (leader == null) {
            description = "coordinator node " + log.nodeId() + " knows no leader: an election is under way, "
                    + "or a majority of the cluster is unreachable";
        } else if (leader.equals(log.nodeId())) {
            description = "coordinator node " + log.nodeId() + " was just elected leader and is not ready yet";
        } else {
            description = "coordinator node " + log.nodeId() + " is not the leader; the leader is " + leader
                    + clientAddressOfNode.apply(leader).map(a -> " at " + a).orElse("");
        }
        return Status.UNAVAILABLE.withDescription(description).asRuntimeException(leaderTrailers());
    }

    /** Trailers naming the leader's client address, when this node knows it. */
    public Metadata leaderTrailers() {
        String leader = log.leaderId();
        if (leader == null || leader.equals(log.nodeId())) {
            return new Metadata();
        }
        return LeaderHint.trailers(clientAddressOfNode.apply(leader).orElse(null));
    }
}
