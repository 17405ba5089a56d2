package dev.entente.coordinator.admin;

import dev.entente.coordinator.NodeOptions;
import dev.entente.coordinator.raft.ReplicatedLog;
import dev.entente.coordinator.txn.Rejection;
import dev.entente.options.InvalidOption;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code entente cluster add} and {@code remove}: the leader changes the group's members one node at a time
 * while transactions go on (Raft joint consensus, by Ratis' setConfiguration). A node added must be running
 * already, started with {@code --peers} naming the members and itself; the leader brings it up to date,
 * from its latest snapshot when the log before it is gone, before it counts for a majority. A node removed
 * stops being a member once the new configuration is committed; stop its process then. The leader is not
 * removed (its undecided transactions would be lost with its leadership): restart it first, which hands
 * leadership on. Replacing a node is an add, then a remove.
 */
public final class MemberChanges {

    private static final Logger LOG = LoggerFactory.getLogger(MemberChanges.class);
    /** How long a change may take: a new node's catching up included. */
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final ReplicatedLog log;
    private final Supplier<String> notLeader;

    /** {@code notLeader} says why this node cannot change the members when it does not lead. */
    public MemberChanges(ReplicatedLog log, Supplier<String> notLeader) {
        this.log = log;
        this.notLeader = notLeader;
    }

    /** Adds the node {@code entry} ({@code id=host:port}, its Raft address) to the members; the members after. */
    public Map<String, String> add(String entry) {
        String operation = "add " + entry;
        Map<String, String> node;
        try {
            node = NodeOptions.parsePeers(operation, entry);
        } catch (InvalidOption e) {
            throw Rejection.invalid(e.getMessage());
        }
        if (node.size() != 1) {
            throw Rejection.invalid(operation + ": one node at a time (a majority of the old members must stay)");
        }
        String id = node.keySet().iterator().next();
        String address = node.get(id);
        Map<String, String> members = members(operation);
        if (members.containsKey(id)) {
            throw new Rejection(Rejection.Kind.CONFLICT, operation + ": node " + id + " is a member already, at "
                    + members.get(id) + "; to move it, remove it and add it again");
        }
        members.forEach((member, raft) -> {
            if (raft.equals(address)) {
                throw new Rejection(Rejection.Kind.CONFLICT, operation + ": " + address + " is the Raft address of member " + member);
            }
        });
        members.put(id, address);
        return change(operation, members);
    }

    /** Removes the node {@code id} from the members; the members after. */
    public Map<String, String> remove(String id) {
        String operation = "remove " + id;
        Map<String, String> members = members(operation);
        if (!members.containsKey(id)) {
            throw new Rejection(Rejection.Kind.UNKNOWN, operation + ": node " + id + " is not a member " + members.keySet());
        }
        if (members.size() == 1) {
            throw new Rejection(Rejection.Kind.CONFLICT, operation + ": it is the last member");
        }
        if (id.equals(log.nodeId())) {
            // the leader's undecided transactions live in its memory: a leader leaving the group would abort them
            throw new Rejection(Rejection.Kind.CONFLICT, operation + ": node " + id + " leads; restart it first (stopped "
                    + "with SIGTERM it lets its transactions be decided and hands leadership on), then remove it");
        }
        members.remove(id);
        return change(operation, members);
    }

    private Map<String, String> members(String operation) {
        if (!log.isLeaderReady()) {
            throw new Rejection(Rejection.Kind.UNAVAILABLE, operation + ": " + notLeader.get());
        }
        return new TreeMap<>(log.members());
    }

    private Map<String, String> change(String operation, Map<String, String> members) {
        LOG.info("admin: {}: changing the members to {}", operation, members);
        try {
            log.setMembers(members, PATIENCE);
        } catch (IOException | ReplicatedLog.NotLeaderException e) {
            throw new Rejection(Rejection.Kind.UNAVAILABLE, operation + ": " + e.getMessage());
        }
        Map<String, String> now = log.members();
        LOG.info("admin: {}: the members are {}", operation, now);
        return now;
    }
}
