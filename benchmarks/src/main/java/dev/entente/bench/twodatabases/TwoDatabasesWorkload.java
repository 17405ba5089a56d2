package dev.entente.bench.twodatabases;

import com.arjuna.ats.arjuna.common.ObjectStoreEnvironmentBean;
import com.arjuna.ats.arjuna.common.arjPropertyManager;
import com.arjuna.common.internal.util.propertyservice.BeanPopulator;
import com.atomikos.icatch.jta.UserTransactionManager;
import dev.entente.bench.AccountTable;
import dev.entente.bench.Measurement;
import dev.entente.bench.ResultLine;
import dev.entente.bench.WorkloadArguments;
import jakarta.transaction.TransactionManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.XADataSource;

/**
 * One service, two databases: each operation credits one account in PostgreSQL and one in MariaDB,
 * made atomic (or not) as its {@link Variant} says. Runs in its own JVM (the Entente variant with the
 * agent attached) and prints one result line.
 *
 * <p>Arguments: variant, PostgreSQL URL, MariaDB URL, work directory, clients, warm-up seconds, measured seconds.
 */
public final class TwoDatabasesWorkload {

    /** How long the Entente variant waits after measuring for phase 2 of its last transactions. */
    private static final Duration PHASE_TWO_PATIENCE = Duration.ofSeconds(30);

    private TwoDatabasesWorkload() {
    }

    public static void main(String[] args) throws Exception {
        Variant variant = Variant.valueOf(args[0]);
        String postgresUrl = args[1];
        String mariadbUrl = args[2];
        Path work = Files.createDirectories(Path.of(args[3]).resolve(variant.name().toLowerCase()));
        WorkloadArguments loop = WorkloadArguments.readFrom(args, 4);
        AccountTable.prepareIn(postgresUrl, mariadbUrl);
        Measurement measured = switch (variant) {
            case NO_GLOBAL_TRANSACTION -> measureLocal(new LocalCredits(postgresUrl, mariadbUrl, loop.clients()), loop);
            case ENTENTE -> measureLocal(new GlobalCredits(postgresUrl, mariadbUrl, loop.clients()), loop);
            case ATOMIKOS, NARAYANA -> measureJta(variant, work, postgresUrl, mariadbUrl, loop);
            case SEATA_XA -> throw new IllegalArgumentException("Seata's variant runs on its client's class path (module peers), not here");
        };
        ResultLine.print(measured);
        if (variant == Variant.ENTENTE) {
            PhaseTwoWait.awaitNoPreparedBranch(new ClusterOfTransactions().id(), postgresUrl, mariadbUrl, PHASE_TWO_PATIENCE);
        }
        System.exit(0); // the transaction managers leave non-daemon threads behind
    }

    private static Measurement measureLocal(LocalCredits credits, WorkloadArguments loop) throws Exception {
        try (credits) {
            return loop.run(credits::creditBoth);
        }
    }

    private static Measurement measureJta(Variant variant, Path work, String postgresUrl, String mariadbUrl, WorkloadArguments loop)
            throws Exception {
        XADataSource postgres = JtaCredits.postgres(postgresUrl);
        XADataSource mariadb = JtaCredits.mariadb(mariadbUrl);
        JtaCredits credits = variant == Variant.ATOMIKOS
                ? new JtaCredits(atomikos(work), new AtomikosPools(postgres, mariadb, loop.clients()))
                : new JtaCredits(narayana(work), new EnlistedXaConnections(postgres, mariadb));
        try (credits) {
            return loop.run(credits::creditBoth);
        }
    }

    /** Atomikos with its transaction log in {@code work}. */
    private static TransactionManager atomikos(Path work) throws Exception {
        System.setProperty("com.atomikos.icatch.log_base_dir", work.toString());
        System.setProperty("com.atomikos.icatch.output_dir", work.toString());
        System.setProperty("com.atomikos.icatch.max_actives", "-1");
        UserTransactionManager manager = new UserTransactionManager();
        manager.init();
        return manager;
    }

    /** Narayana with its object store (the transaction log) in {@code work}. */
    private static TransactionManager narayana(Path work) throws Exception {
        arjPropertyManager.getObjectStoreEnvironmentBean().setObjectStoreDir(work.toString());
        BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, "communicationStore").setObjectStoreDir(work.toString());
        arjPropertyManager.getCoreEnvironmentBean().setNodeIdentifier("entente-bench");
        return com.arjuna.ats.jta.TransactionManager.transactionManager();
    }
}
