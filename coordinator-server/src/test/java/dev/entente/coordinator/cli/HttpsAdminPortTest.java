package dev.entente.coordinator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entente.coordinator.cli.TxRunner.Run;
import dev.entente.coordinator.testing.TestTransactions;
import dev.entente.protocol.client.ClientSecurity;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.protocol.tls.PemFiles;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.CoordinatorSecurity;
import dev.entente.testkit.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18 item 3: a node with TLS material serves its admin port and its metrics listener over HTTPS
 * with its own certificate, and {@code entente tx} reads it with {@code --tls-ca} and the read token.
 */
@Timeout(180)
class HttpsAdminPortTest {

    @TempDir
    static Path work;
    static CoordinatorSecurity security;
    static CoordinatorProcess coordinator;
    static int metricsPort;
    static HttpClient https;

    @BeforeAll
    static void start() throws Exception {
        security = CoordinatorSecurity.create(work.resolve("tls")).app("shop");
        metricsPort = FreePorts.next();
        String[] args = security.coordinatorArgs().toArray(String[]::new);
        coordinator = CoordinatorProcess.dev(work, append(args, "--metrics-port", String.valueOf(metricsPort))).start().awaitServing();
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {PemFiles.trustManager("tls-ca", security.authority())}, null);
        https = HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        coordinator.close();
    }

    private static String[] append(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    private static String readToken() throws IOException {
        return Files.readString(coordinator.readTokenFile().orElseThrow()).strip();
    }

    private static HttpResponse<String> get(HttpClient http, String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theAdminPortAndTheMetricsListenerSpeakHttpsWithTheNodesCertificate() throws Exception {
        assertThat(coordinator.logTail(100)).contains("admin=https://127.0.0.1:").contains("metrics=https://127.0.0.1:" + metricsPort);
        HttpResponse<String> cluster = get(https, "https://" + coordinator.adminAddress() + "/cluster", readToken());
        assertThat(cluster.statusCode()).isEqualTo(200);
        assertThat(cluster.body()).contains("\"nodeId\" : \"dev\"");
        X509Certificate presented = (X509Certificate) cluster.sslSession().orElseThrow().getPeerCertificates()[0];
        assertThat(presented).isEqualTo(PemFiles.certificates("tls-cert", security.nodeCertificate()).get(0));
        assertThat(get(https, "https://" + coordinator.adminAddress() + "/cluster", null).statusCode()).isEqualTo(401);
        assertThat(get(https, "https://" + coordinator.adminAddress() + "/health/ready", null).statusCode()).isEqualTo(200);
        assertThat(get(https, "https://127.0.0.1:" + metricsPort + "/metrics", null).body()).contains("entente_raft_role");

        // plain HTTP gets no answer from either
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (String url : new String[] {"http://" + coordinator.adminAddress() + "/health/live", "http://127.0.0.1:" + metricsPort + "/metrics"}) {
            assertThatThrownBy(() -> get(plain, url, readToken())).as(url).isInstanceOf(IOException.class);
        }
    }

    @Test
    void txReadsOverHttpsWithTheAuthorityAndTheReadToken() throws Exception {
        try (CoordinatorClient client = CoordinatorClient.connect(coordinator.clientAddress(),
                ClientSecurity.tls("tls-ca", security.authority()).withSecret("shop", "secret-file", security.secretFile("shop")))) {
            String xid = TestTransactions.begin(client, "shop", 60_000);
            client.registerBranch(xid, 1, "over-https-db", "over-https-rm"); // the coordinator hears of it at its first call
            Map<String, String> env = Map.of("ENTENTE_ADMIN", coordinator.adminAddress(),
                    "ENTENTE_ADMIN_READ_TOKEN_FILE", coordinator.readTokenFile().orElseThrow().toString());

            Run list = TxRunner.run(env, "list", "--tls-ca", security.authority().toString());
            assertThat(list.status()).as(list.err()).isZero();
            assertThat(list.out()).contains(xid).contains("over-https");

            Run withoutAuthority = TxRunner.run(env, "list");
            assertThat(withoutAuthority.status()).isEqualTo(1);
            assertThat(withoutAuthority.err()).contains("give --tls-ca");

            Run withoutToken = TxRunner.run(Map.of("ENTENTE_ADMIN", coordinator.adminAddress()), "show", xid,
                    "--tls-ca", security.authority().toString());
            assertThat(withoutToken.status()).isEqualTo(1);
            assertThat(withoutToken.err()).contains("needs the read token").doesNotContain("over-https");
            client.rollback(xid, "test over", false);
        }
    }
}
