package dev.entente.coordinator.security;

import dev.entente.protocol.tls.PemFiles;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.TlsServerCredentials;
import java.nio.file.Path;
import java.util.Optional;
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

    /** The node's certificate and key, and the authority its peers' certificates are signed by. */
    public record TlsMaterial(X509KeyManager keyManager, X509TrustManager trustManager) {
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
        TlsMaterial tls = new TlsMaterial(PemFiles.keyManager("--tls-cert", certificate, "--tls-key", key),
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

    /** The interceptor that authenticates clients, when this node authenticates them. */
    public Optional<ServerInterceptor> authenticator() {
        return secrets.map(ClientAuthenticator::new);
    }

    public String describe() {
        return tls.isPresent() ? "TLS, " + secrets.map(AppSecrets::size).orElse(0) + " applications may connect"
                : "plain text, no authentication";
    }
}
