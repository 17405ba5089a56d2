package dev.entente.chaos;

import dev.entente.options.InvalidOption;
import dev.entente.options.OptionTable;
import java.io.IOException;
import java.io.PrintStream;

/**
 * {@code bin/entente chaos}: runs the fault-injection suite {@code --runs} times and prints a report per
 * run, then {@code runs=N violations=V}; exits 1 if any run found a violation (or could not run), 2 on
 * a bad option. The PostgreSQL, MariaDB and Kafka servers are the suite's own ({@link SuiteServers}: the
 * nemesis restarts them), never the machine's.
 */
public final class ChaosMain {

    private ChaosMain() {
    }

    /** Runs the suite; returns the number of violations (a run that fails to run counts as one). */
    static int run(ChaosOptions options, PrintStream out) {
        options.print(out);
        CampaignTally tally = new CampaignTally();
        try (SuiteServers servers = SuiteServers.start(options.work(), out)) {
            for (int i = 1; i <= options.runs(); i++) {
                long seed = options.seed() + i - 1;
                try {
                    new ChaosRun(i, seed, options, servers, out).run(tally);
                } catch (Exception e) {
                    out.println("run " + i + " (seed " + seed + ") could not run: " + e);
                    e.printStackTrace(out);
                    tally.addFailedRun();
                }
                out.flush();
            }
        } catch (IOException e) {
            out.println("the suite's servers could not start: " + e);
            return 1;
        }
        out.println();
        tally.print(out);
        out.println("runs=" + options.runs() + " violations=" + tally.violations());
        return (int) Math.min(Integer.MAX_VALUE, tally.violations());
    }

    public static void main(String[] args) throws Exception {
        // the embedded servers narrate every start and dropped connection; the report is what matters here
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        System.setProperty("org.slf4j.simpleLogger.log.ch.vorburger.exec.ManagedProcess", "off");
        for (String chatty : new String[] {"org.apache.kafka", "kafka", "org.apache.zookeeper"}) {
            System.setProperty("org.slf4j.simpleLogger.log." + chatty, "error"); // restarts and cut sessions are the point here
        }
        if (OptionTable.asksForHelp(args)) {
            System.out.print(ChaosOptions.USAGE);
            System.exit(0);
        }
        ChaosOptions options;
        try {
            options = ChaosOptions.parse(args, System.getenv());
        } catch (InvalidOption e) {
            System.err.println("entente chaos: " + e.getMessage());
            System.err.print(ChaosOptions.USAGE);
            System.exit(2);
            return;
        }
        int violations = run(options, System.out);
        System.out.flush();
        System.exit(violations == 0 ? 0 : 1); // the embedded MariaDB keeps a non-daemon thread
    }
}
