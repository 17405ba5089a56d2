package dev.entente.bench.twodatabases;

import dev.entente.bench.Comparison;
import dev.entente.bench.LoadOptions;
import dev.entente.bench.Options;
import dev.entente.bench.WorkloadJvm;
import dev.entente.options.CommandOption;
import dev.entente.options.InvalidOption;
import dev.entente.options.OptionTable;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.TestDatabases;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Row 2: one service, two databases. The same operation (credit one account in PostgreSQL and one in
 * MariaDB) with no global transaction, under Entente (agent, {@code @GlobalTransactional}, a --dev
 * coordinator node), and under Atomikos and Narayana (in-process JTA, XA on the same two databases).
 * Each variant runs in a fresh JVM, the order rotating run by run ({@link Comparison}).
 */
public final class TwoDatabasesBench {

    static final CommandOption VARIANTS = new CommandOption("variants", "LIST", "all",
            "all, or some of no-global-transaction,entente,atomikos,narayana");

    public static final OptionTable OPTIONS = OptionTable.commandLineOnly(LoadOptions.options(LoadOptions.CLIENTS, VARIANTS));

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
        String postgresUrl = TestDatabases.postgres().createDatabase("entente_bench_two_pg");
        String mariadbUrl = TestDatabases.mariadb().createDatabase("entente_bench_two_maria");
        out.printf("two databases, one service: credit one row in %s and one in %s per operation, %s%n",
                TestDatabases.postgres(), TestDatabases.mariadb(), load.describe());
        Comparison<Variant> comparison = new Comparison<>(out, variants, variant -> variant.label);
        try (CoordinatorProcess coordinator = CoordinatorProcess.dev(load.work().resolve("coordinator")).start().awaitServing()) {
            String agent = "-javaagent:" + agentJar + "=coordinator=" + coordinator.clientAddress() + ",app=bench-two-databases";
            comparison.run(load.runs(), variant -> WorkloadJvm.measure("the two-databases workload (" + variant.label + ")",
                    variant == Variant.ENTENTE ? List.of(agent) : List.of(), TwoDatabasesWorkload.class, load.workloadTimeout(),
                    load.workloadArguments(variant.name(), postgresUrl, mariadbUrl, load.work().toString())));
        }
        comparison.report("two databases, one service");
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
                        + "narayana; got '" + name + "'");
            }
        }
        return chosen;
    }
}
