package dev.entente.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entente.agent.apps.CounterService;
import dev.entente.agent.testing.ServiceProcess;
import dev.entente.testkit.CoordinatorSecurity;
import dev.entente.testkit.TlsZooKeeper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code @Locked} in an app with the agent attached, against a real ZooKeeper that speaks TLS only and wants
 * a client certificate: the setting zookeeper-client-properties gives the agent's ZooKeeper client (Netty,
 * inside the agent's class loader) the certificate, and the lock is taken; a service without it is refused
 * by the server and its {@code @Locked} method fails, naming the key.
 */
@Timeout(180)
class LockedOverTlsTest {

    @Test
    void withTheClientCertificateTheLockIsTakenAndWithoutItTheMethodFails() throws Exception {
        Path work = Files.createTempDirectory("entente-locked-tls");
        CoordinatorSecurity tls = CoordinatorSecurity.create(work.resolve("tls")).issue("zookeeper", "zookeeper").issue("counter", "counter");
        Path secure = Files.writeString(work.resolve("zookeeper.properties"), """
                zookeeper.client.secure=true
                zookeeper.ssl.keyStore.location=%s
                zookeeper.ssl.keyStore.type=PEM
                zookeeper.ssl.trustStore.location=%s
                zookeeper.ssl.trustStore.type=PEM
                """.formatted(tls.keyAndCertificate("counter"), tls.authority()));
        Path trustOnly = Files.writeString(work.resolve("trust-only.properties"), """
                zookeeper.client.secure=true
                zookeeper.ssl.trustStore.location=%s
                zookeeper.ssl.trustStore.type=PEM
                """.formatted(tls.authority()));
        try (TlsZooKeeper zookeeper = TlsZooKeeper.start(work, tls.keyAndCertificate("zookeeper"), tls.authority())) {
            String agent = "app=counter,zookeeper=" + zookeeper.connectString() + ",lock-wait=5000,zookeeper-client-properties=";
            try (ServiceProcess service = ServiceProcess.start(work, "counter-tls", agent + secure, CounterService.class, "-", "-")) {
                HttpResponse<String> reply = service.post("/hold?key=over-tls&sleep=0");
                assertThat(reply.statusCode()).as(reply.body() + "\n" + service.log()).isEqualTo(200);
                assertThat(Long.parseLong(reply.body().substring("token ".length()))).isPositive();
                assertThat(service.log()).contains("ZooKeeper client properties from " + secure);
            }
            try (ServiceProcess service = ServiceProcess.start(work, "counter-no-cert", agent + trustOnly, CounterService.class, "-", "-")) {
                HttpResponse<String> reply = service.post("/hold?key=over-tls&sleep=0");
                assertThat(reply.statusCode()).as(reply.body()).isEqualTo(500);
                assertThat(reply.body()).contains("over-tls");
            }
        }
    }
}
