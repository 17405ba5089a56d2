package dev.entente.bench.twodatabases;

import dev.entente.bench.Comparison;
import dev.entente.bench.LoadOptions;
import dev.entente.bench.Options;
import dev.entente.bench.WorkloadJvm;
import dev.entente.bench.seata.SeataCoordinator;
import dev.entente.options.CommandOption;
import dev.entente.options.InvalidOption;
import dev.entente.options.OptionTable;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.TestDatabases;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Row 2: one service, two databases. The same operation (credit one account in PostgreSQL and one in
 * MariaDB) with no global transaction, under Entente (agent, {@code @GlobalTransactional}, a --dev
 * coordinator node), under Atomikos and Narayana (in-process JTA, XA on the same two databases), and under
 * Seata in XA mode (its {@code DataSourceProxyXA} over the same pools, its coordinator a 1-node raft group).
 * Each variant runs in a fresh JVM, the order rotating run by run ({@link Comparison}).
 */
public final class TwoDatabasesBench {

    static final CommandOption VARIANTS = new CommandOption("variants", "LIST", "all",
            "all, or some of no-global-transaction,entente,atomikos,narayana,seata-xa");
    static final CommandOption DATABASES = new CommandOption("databases", "NAME", "entente_bench_two",
            "the run's databases, created afresh: NAME_pg in PostgreSQL and NAME_maria in MariaDB (runs at the same time "
                    + "need names of their own)");

    public static final OptionTable OPTIONS = OptionTable.commandLineOnly(LoadOptions.options(LoadOptions.CLIENTS, VARIANTS, DATABASES));

    /** Module peers' Seata XA workload. */
    private static final String SEATA_XA_WORKLOAD = "dev.entente.peers.seata.XaCredits";

    private final Options options;
    private final PrintStream out;

    public TwoDatabasesBench(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public void run() throws Exception {
        LoadOptions load = LoadOptions.of(options, LoadOptions.CLIENTS);
        List<Variant> variants = variants(options.text(VARIANTS));
        String agentJar = WorkloadJvm.agentJar();
        String databases = options.text(DATABASES);
        String postgresUrl = TestDatabases.postgres().createDatabase(databases + "_pg");
        String mariadbUrl = TestDatabases.mariadb().createDatabase(databases + "_maria");
        out.printf("two databases, one service: credit one row in %s and one in %s per operation, %s%n",
                TestDatabases.postgres(), TestDatabases.mariadb(), load.describe());
        Comparison<Variant> comparison = new Comparison<>(out, variants, variant -> variant.label);
        try (CoordinatorProcess coordinator = CoordinatorProcess.dev(load.work().resolve("coordinator")).start().awaitServing();
             SeataCoordinator seata = variants.contains(Variant.SEATA_XA) ? startSeata(load.work()) : null) {
            String agent = "-javaagent:" + agentJar + "=coordinator=" + coordinator.clientAddress() + ",app=bench-two-databases";
            comparison.run(load.runs(), variant -> {
                String what = "the two-databases workload (" + variant.label + ")";
                if (variant == Variant.SEATA_XA) {
                    return WorkloadJvm.measure(what, seata.clientCommand(SEATA_XA_WORKLOAD, load.workloadArguments(postgresUrl, mariadbUrl)),
                            load.workloadTimeout());
                }
                return WorkloadJvm.measure(what, variant == Variant.ENTENTE ? List.of(agent) : List.of(), TwoDatabasesWorkload.class,
                        load.workloadTimeout(), load.workloadArguments(variant.name(), postgresUrl, mariadbUrl, load.work().toString()));
            });
        }
        comparison.report("two databases, one service");
    }

    /** Seata's coordinator for its XA variant: a 1-node raft group, durable as Entente's --dev node is. */
    private SeataCoordinator startSeata(Path work) {
        SeataCoordinator seata = SeataCoordinator.startRaft(1, work);
        out.printf("started Seata 2.0.0's coordinator, raft, 1 node, at %s%n", seata.addresses());
        return seata;
    }

    private static List<Variant> variants(String names) {
        if (names.equals("all")) {
            return List.of(Variant.values());
        }
        List<Variant> chosen = new ArrayList<>();
        for (String name : names.split(",")) {
            try {
                chosen.add(Variant.valueOf(name.trim().toUpperCase().replace('-', '_')));
            } catch (IllegalArgumentException e) {
                throw new InvalidOption("--variants: expected all, or a list of no-global-transaction, entente, atomikos, "
                        + "narayana, seata-xa; got '" + name + "'");
            }
        }
        return chosen;
    }
}
