package dev.entente.protocol.client;

import dev.entente.protocol.AppCredentials;
import dev.entente.protocol.tls.PemFiles;
import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Metadata;
import io.grpc.SecurityLevel;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Executor;
import javax.net.ssl.X509TrustManager;

/**
 * How a client reaches the coordinator: plain text (a {@code --dev} or {@code --insecure} coordinator),
 * or TLS trusting the authority that signed the coordinator nodes' certificates, with the application's
 * name and secret on every call. The secret is never sent over plain text and never shown by
 * {@link #toString()}.
 */
public final class ClientSecurity {

    private static final ClientSecurity PLAIN_TEXT = new ClientSecurity(Optional.empty(), Optional.empty(), Optional.empty());

    private final Optional<X509TrustManager> trust;
    private final Optional<String> app;
    private final Optional<String> secret;

    private ClientSecurity(Optional<X509TrustManager> trust, Optional<String> app, Optional<String> secret) {
        this.trust = trust;
        this.app = app;
        this.secret = secret;
    }

    public static ClientSecurity plainText() {
        return PLAIN_TEXT;
    }

    /** TLS, trusting the authorities in {@code caFile}; {@code setting} names where the file came from, for errors. */
    public static ClientSecurity tls(String setting, Path caFile) {
        return new ClientSecurity(Optional.of(PemFiles.trustManager(setting, caFile)), Optional.empty(), Optional.empty());
    }

    /** The same, with {@code app}'s secret read from {@code secretFile} (its first line) sent on every call. */
    public ClientSecurity withSecret(String app, String setting, Path secretFile) {
        if (trust.isEmpty()) {
            throw new IllegalArgumentException(setting + ": an application secret is only sent over TLS; "
                    + "name the coordinator's certificate authority too");
        }
        return new ClientSecurity(trust, Optional.of(app), Optional.of(readSecret(setting, secretFile)));
    }

    static String readSecret(String setting, Path file) {
        String secret;
        try {
            secret = Files.readString(file, StandardCharsets.US_ASCII).lines().findFirst().orElse("").trim();
        } catch (IOException e) {
            throw new IllegalArgumentException(setting + ": " + file + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        String invalid = AppCredentials.invalidSecret(secret);
        if (invalid != null) {
            throw new IllegalArgumentException(setting + ": " + file + ": " + invalid);
        }
        return secret;
    }

    public boolean isTls() {
        return trust.isPresent();
    }

    /** The channel credentials these settings make: for a channel of one's own (tests speaking the protocol by hand). */
    public ChannelCredentials channelCredentials() {
        if (trust.isEmpty()) {
            return InsecureChannelCredentials.create();
        }
        ChannelCredentials tls = TlsChannelCredentials.newBuilder().trustManager(trust.get()).build();
        return secret.isEmpty() ? tls : CompositeChannelCredentials.create(tls, new SecretCredentials(app.orElseThrow(), secret.get()));
    }

    @Override
    public String toString() {
        return trust.isEmpty() ? "plain text" : "TLS" + app.map(a -> ", authenticated as application '" + a + "'").orElse("");
    }

    /** Puts the application's name and secret on each call, refusing channels that are not private. */
    private static final class SecretCredentials extends CallCredentials {
        private final String app;
        private final String secret;

        SecretCredentials(String app, String secret) {
            this.app = app;
            this.secret = secret;
        }

        @Override
        public void applyRequestMetadata(RequestInfo request, Executor executor, MetadataApplier applier) {
            if (request.getSecurityLevel() != SecurityLevel.PRIVACY_AND_INTEGRITY) {
                applier.fail(Status.UNAUTHENTICATED.withDescription("the application secret is only sent over TLS"));
                return;
            }
            Metadata headers = new Metadata();
            headers.put(AppCredentials.APP, app);
            headers.put(AppCredentials.SECRET, secret);
            applier.apply(headers);
        }
    }
}
