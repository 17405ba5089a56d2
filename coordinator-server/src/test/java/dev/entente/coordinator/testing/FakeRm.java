package dev.entente.coordinator.testing;

import dev.entente.protocol.BranchCommand;
import dev.entente.protocol.PhaseTwoAction;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.protocol.client.RmSession;
import dev.entente.protocol.client.WrongDatabaseException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;

/**
 * A resource manager speaking the real protocol over a real session, with no database behind it: it
 * records the phase-2 commands it receives and acknowledges them (or refuses to, when told).
 */
public final class FakeRm implements AutoCloseable {

    public record Received(String xid, long branchId, String resource, PhaseTwoAction action) {
    }

    private final CoordinatorClient client;
    private final String app;
    private final String instanceId;
    private final Set<String> resources;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicBoolean acking = new AtomicBoolean(true);
    private final AtomicBoolean wrongDatabase = new AtomicBoolean();
    private RmSession session;

    public FakeRm(CoordinatorClient client, String app, String instanceId, Set<String> resources) {
        this.client = client;
        this.app = app;
        this.instanceId = instanceId;
        this.resources = resources;
    }

    public FakeRm connect() {
        session = new RmSession(client, app, instanceId, resources, this::handle);
        Awaitility.await(instanceId + " connected").atMost(Duration.ofSeconds(30)).until(session::isConnected);
        return this;
    }

    private void handle(BranchCommand command) throws WrongDatabaseException {
        received.add(new Received(command.getXid(), command.getBranchId(), command.getResource(), command.getAction()));
        if (wrongDatabase.get()) {
            throw new WrongDatabaseException("the database reached is not " + command.getResource() + " (as told)");
        }
        if (!acking.get()) {
            throw new IllegalStateException("this RM refuses to finish branches now");
        }
    }

    /** Whether commands are acknowledged as done (true) or failed (false, so the coordinator retries). */
    public void acknowledge(boolean done) {
        acking.set(done);
    }

    /** Whether commands fail as reaching a database other than the branch's, as a real RM does after a failover. */
    public void reachAnotherDatabase(boolean wrong) {
        wrongDatabase.set(wrong);
    }

    public String instanceId() {
        return instanceId;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<Received> receivedFor(String xid) {
        return received.stream().filter(r -> r.xid().equals(xid)).toList();
    }

    public RmSession session() {
        return session;
    }

    /** Ends the session, as an application instance that stops would. */
    public void disconnect() {
        if (session != null) {
            session.close();
            session = null;
        }
    }

    @Override
    public void close() {
        disconnect();
    }
}
