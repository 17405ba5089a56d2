package dev.entente.runtime.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entente.runtime.Settings;
import dev.entente.testkit.CoordinatorSecurity;
import dev.entente.testkit.TlsZooKeeper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code @Locked}'s ZooKeeper client and the setting zookeeper-client-properties, against a real ZooKeeper
 * that speaks TLS only and wants a client certificate its CA signed: with the certificate in the file a
 * lock is taken; with only the CA, or plain text, the server refuses the client and no lock is taken.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class SecuredZooKeeperTest {

    private static final long WAIT = 20_000;
    private static final long REFUSED_WAIT = 4_000;

    private Path work;
    private CoordinatorSecurity tls;
    private TlsZooKeeper zookeeper;

    @BeforeAll
    void start(@TempDir Path work) {
        this.work = work;
        tls = CoordinatorSecurity.create(work.resolve("tls")).issue("zookeeper", "zookeeper").issue("orders", "orders");
        zookeeper = TlsZooKeeper.start(work, tls.keyAndCertificate("zookeeper"), tls.authority());
    }

    @AfterAll
    void stop() {
        if (zookeeper != null) {
            zookeeper.close();
        }
    }

    @Test
    void aClientWithItsCertificateTakesALock() throws Exception {
        Path file = clientProperties("with-certificate", """
                zookeeper.client.secure=true
                zookeeper.ssl.keyStore.location=%s
                zookeeper.ssl.keyStore.type=PEM
                zookeeper.ssl.trustStore.location=%s
                zookeeper.ssl.trustStore.type=PEM
                """.formatted(tls.keyAndCertificate("orders"), tls.authority()));
        try (ZooKeeperMutex mutex = mutex(settings(file))) {
            ZooKeeperMutex.Lease lease = mutex.acquire("stock:42", WAIT);
            assertThat(lease).isNotNull();
            assertThat(lease.token()).isPositive();
            mutex.release(lease);
        }
    }

    @Test
    void aClientWithoutACertificateIsRefused() {
        Path file = clientProperties("trust-only", """
                zookeeper.client.secure=true
                zookeeper.ssl.trustStore.location=%s
                zookeeper.ssl.trustStore.type=PEM
                """.formatted(tls.authority()));
        try (ZooKeeperMutex mutex = mutex(settings(file))) {
            assertThatThrownBy(() -> mutex.acquire("stock:42", REFUSED_WAIT)).isInstanceOf(ZooKeeperMutex.Unreachable.class)
                    .hasMessageContaining("was not reachable");
        }
    }

    @Test
    void aPlainTextClientIsRefused() {
        try (ZooKeeperMutex mutex = mutex(settings(null))) {
            assertThatThrownBy(() -> mutex.acquire("stock:42", REFUSED_WAIT)).isInstanceOf(ZooKeeperMutex.Unreachable.class);
        }
    }

    @Test
    void aBadFileStopsStartUpNamingTheSettingAndTheFile() {
        Path missing = work.resolve("missing.properties");
        assertThatThrownBy(() -> settings(missing)).isInstanceOf(Settings.InvalidSetting.class)
                .hasMessage("agent argument zookeeper-client-properties: " + missing + " cannot be read (NoSuchFileException)");
        Path redirecting = clientProperties("redirecting", "zookeeper.client.secure=true\nzookeeper.request.timeout=1\n");
        assertThatThrownBy(() -> settings(redirecting)).isInstanceOf(Settings.InvalidSetting.class)
                .hasMessageStartingWith("agent argument zookeeper-client-properties: " + redirecting
                        + ": 'zookeeper.request.timeout' is not a security setting of the ZooKeeper client");
        Path password = clientProperties("secret", "zookeeper.ssl.keyStore.password=hunter2-hunter2\nzookeeper.bogus=1\n");
        assertThatThrownBy(() -> settings(password)).hasMessageNotContaining("hunter2");
        assertThat(settings(clientProperties("shown", "zookeeper.client.secure=true\nzookeeper.ssl.keyStore.password=hunter2\n"))
                .zookeeperSecurity().toString()).contains("zookeeper.ssl.keyStore.password").doesNotContain("hunter2");
    }

    private Settings settings(Path clientProperties) {
        Map<String, String> arguments = new HashMap<>(Map.of("app", "orders", "zookeeper", zookeeper.connectString()));
        if (clientProperties != null) {
            arguments.put("zookeeper-client-properties", clientProperties.toString());
        }
        return Settings.resolve(arguments, Map.of(), new Properties());
    }

    private static ZooKeeperMutex mutex(Settings settings) {
        return new ZooKeeperMutex(settings.zookeeper().orElseThrow(), settings.zookeeperSecurity(), settings.lockRoot(),
                settings.zookeeperSessionTimeout(), state -> { });
    }

    private Path clientProperties(String name, String content) {
        try {
            return Files.writeString(work.resolve(name + ".properties"), content);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
