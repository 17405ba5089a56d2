package dev.entente.protocol;

import io.grpc.Metadata;

/** The trailer by which a coordinator node that is not the leader names the leader's client address. */
public final class LeaderHint {

    public static final Metadata.Key<String> KEY = Metadata.Key.of("entente-leader", Metadata.ASCII_STRING_MARSHALLER);

    private LeaderHint() {
    }

    public static Metadata trailers(String leaderAddress) {
        Metadata trailers = new Metadata();
        if (leaderAddress != null && !leaderAddress.isEmpty()) {
            trailers.put(KEY, leaderAddress);
        }
        return trailers;
    }
}
