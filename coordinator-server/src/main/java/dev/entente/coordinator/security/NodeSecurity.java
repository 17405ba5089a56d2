package dev.entente.coordinator.security;

import dev.entente.protocol.tls.PemFiles;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.TlsServerCredentials;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * How a coordinator node protects its ports. With TLS material ({@code --tls-cert}, {@code --tls-key},
 * {@code --tls-ca}) and {@code --app-secrets}: the client port speaks TLS and every client authenticates
 * with its application's secret, and the nodes speak mutual TLS to each other (each presents its
 * certificate; only certificates signed by the CA are accepted). Without them: plain text and no
 * authentication, which only {@code --dev} (loopback) or an explicit {@code --insecure} allow.
 */
public final class NodeSecurity {

    /** The node's certificate (the first of its chain) and key, and the authority its peers' certificates are signed by. */
    public record TlsMaterial(X509Certificate certificate, X509KeyManager keyManager, X509TrustManager trustManager) {
    }

    private final Optional<TlsMaterial> tls;
    private final Optional<AppSecrets> secrets;

    private NodeSecurity(Optional<TlsMaterial> tls, Optional<AppSecrets> secrets) {
        this.tls = tls;
        this.secrets = secrets;
    }

    public static NodeSecurity plainText() {
        return new NodeSecurity(Optional.empty(), Optional.empty());
    }

    /** Loads the files; an IllegalArgumentException names the option whose file is missing or bad. */
    public static NodeSecurity load(Path certificate, Path key, Path authority, Path appSecrets) {
        TlsMaterial tls = new TlsMaterial(PemFiles.certificates("--tls-cert", certificate).get(0),
                PemFiles.keyManager("--tls-cert", certificate, "--tls-key", key),
                PemFiles.trustManager("--tls-ca", authority));
        return new NodeSecurity(Optional.of(tls), Optional.of(AppSecrets.load(appSecrets)));
    }

    public boolean isTls() {
        return tls.isPresent();
    }

    /** For the Raft port: mutual TLS between nodes. */
    public Optional<TlsMaterial> tls() {
        return tls;
    }

    /** For the client port: TLS with the node's certificate (clients authenticate by secret, not certificate). */
    public ServerCredentials clientPortCredentials() {
        return tls.<ServerCredentials>map(m -> TlsServerCredentials.newBuilder().keyManager(m.keyManager()).build())
                .orElseGet(InsecureServerCredentials::create);
    }

    /** For the admin port (and the metrics listener): HTTPS with the node's certificate, when the node has TLS material. */
    public Optional<SSLContext> adminPortTls() {
        return tls.map(m -> {
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(new KeyManager[] {m.keyManager()}, null, null);
                return context;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot set up HTTPS for the admin port: " + e.getMessage(), e);
            }
        });
    }

    /** The interceptor that authenticates clients, when this node authenticates them. */
    public Optional<ServerInterceptor> authenticator() {
        return secrets.map(ClientAuthenticator::new);
    }

    public String describe() {
        return tls.isPresent() ? "TLS, " + secrets.map(AppSecrets::size).orElse(0) + " applications may connect"
                : "plain text, no authentication";
    }
}
