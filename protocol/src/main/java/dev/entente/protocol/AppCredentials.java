package dev.entente.protocol;

import io.grpc.Metadata;

/**
 * How an application proves who it is to the coordinator: the request headers {@code entente-app}
 * (its name) and {@code entente-secret} (its secret), sent only over TLS. The coordinator keeps only
 * the SHA-256 of each application's secret.
 */
public final class AppCredentials {

    public static final Metadata.Key<String> APP = Metadata.Key.of("entente-app", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> SECRET = Metadata.Key.of("entente-secret", Metadata.ASCII_STRING_MARSHALLER);

    /** Secrets shorter than this are refused: they are meant to be random, e.g. {@code openssl rand -hex 32}. */
    public static final int MIN_SECRET_LENGTH = 16;
    public static final int MAX_SECRET_LENGTH = 256;

    private AppCredentials() {
    }

    /** Null if {@code secret} may serve as an application secret, else why not (never quoting it). */
    public static String invalidSecret(String secret) {
        if (secret.length() < MIN_SECRET_LENGTH || secret.length() > MAX_SECRET_LENGTH) {
            return "a secret must have " + MIN_SECRET_LENGTH + " to " + MAX_SECRET_LENGTH + " characters, this one has "
                    + secret.length() + " (make one with: openssl rand -hex 32)";
        }
        if (!secret.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            return "a secret may hold only printable ASCII characters without spaces";
        }
        return null;
    }
}
