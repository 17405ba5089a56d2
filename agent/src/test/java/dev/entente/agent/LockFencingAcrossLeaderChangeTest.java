package dev.entente.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entente.agent.apps.CounterService;
import dev.entente.agent.testing.ServiceProcess;
import dev.entente.testkit.ZooKeeperServers;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 4's test 3: fencing tokens strictly increase across holders in two JVMs, and across a
 * ZooKeeper leader change (a three-server ensemble in this JVM, on loopback; its leader is killed).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class LockFencingAcrossLeaderChangeTest {

    private static final int ROUNDS = 10;

    private TestingCluster ensemble;
    private ServiceProcess first;
    private ServiceProcess second;

    @BeforeAll
    void start() throws Exception {
        Path work = Files.createTempDirectory("entente-locks-ensemble");
        ensemble = ZooKeeperServers.loopbackEnsemble(3);
        ensemble.start();
        leader(); // the ensemble has formed
        String agent = "app=fenced,zookeeper=" + ensemble.getConnectString() + ",zookeeper-session-timeout=20000";
        first = ServiceProcess.start(work, "fenced-1", agent, CounterService.class, "-", "-");
        second = ServiceProcess.start(work, "fenced-2", agent, CounterService.class, "-", "-");
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {first, second, ensemble}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Test
    void tokensGrowAcrossHoldersAndAcrossALeaderChange() throws Exception {
        List<Long> before = holdAlternately(ROUNDS);
        InstanceSpec leader = leader();

        assertThat(ensemble.killServer(leader)).isTrue();
        List<Long> after = holdAlternately(ROUNDS);

        List<Long> all = new ArrayList<>(before);
        all.addAll(after);
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i)).as("token %d of %s", i, all).isGreaterThan(all.get(i - 1));
        }
        // a zxid's high half is the leader's epoch: the new leader's tokens carry a larger one
        assertThat(after.get(0) >>> 32).as("epoch after %s vs before %s", after, before).isGreaterThan(before.get(0) >>> 32);
        assertThat(leader()).isNotEqualTo(leader);
    }

    /**
     * Each service takes and gives back the lock in turn, {@code rounds} times each; the tokens in order.
     * While the ensemble elects a leader a client's connection is suspended, and a lock held then
     * counts as lost (or cannot be taken): such a turn is tried again.
     */
    private List<Long> holdAlternately(int rounds) throws Exception {
        List<Long> tokens = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            for (ServiceProcess service : List.of(first, second)) {
                HttpResponse<String> reply = service.post("/hold?key=fenced&sleep=0");
                for (int retry = 0; reply.statusCode() != 200 && reply.body().startsWith("Lock") && retry < 30; retry++) {
                    Thread.sleep(500);
                    reply = service.post("/hold?key=fenced&sleep=0");
                }
                assertThat(reply.statusCode()).as(reply.body() + "\n" + service.log()).isEqualTo(200);
                tokens.add(Long.parseLong(reply.body().substring("token ".length())));
            }
        }
        return tokens;
    }

    /** The ensemble's current leader, asked of each live server with the "srvr" command. */
    private InstanceSpec leader() throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (InstanceSpec instance : ensemble.getInstances()) {
                if (mode(instance).contains("Mode: leader")) {
                    return instance;
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no ZooKeeper server says it leads");
    }

    private static String mode(InstanceSpec instance) {
        try (Socket socket = new Socket("127.0.0.1", instance.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write("srvr".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))) {
                return in.lines().collect(Collectors.joining("\n"));
            }
        } catch (java.io.IOException down) {
            return "";
        }
    }
}
