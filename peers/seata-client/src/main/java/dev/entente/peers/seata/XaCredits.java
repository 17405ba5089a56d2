package dev.entente.peers.seata;

import dev.entente.bench.AccountTable;
import dev.entente.bench.ClosedLoop;
import dev.entente.bench.Measurement;
import dev.entente.bench.ResultLine;
import dev.entente.bench.WorkloadArguments;
import dev.entente.bench.twodatabases.LocalCredits;
import io.seata.rm.datasource.xa.DataSourceProxyXA;
import io.seata.tm.api.TransactionalExecutor;
import io.seata.tm.api.TransactionalTemplate;
import io.seata.tm.api.transaction.TransactionInfo;
import java.time.Duration;

/**
 * Row 2's workload on Seata in XA mode: the two credits of the other variants ({@link LocalCredits}, the same pools),
 * each pool seen through Seata's {@code DataSourceProxyXA}, inside one global transaction run by Seata's
 * {@code TransactionalTemplate} (what its {@code @GlobalTransactional} interceptor runs). Each credit is an XA branch
 * that Seata registers with its coordinator and prepares at the local commit; the coordinator commits both. Prints one
 * result line.
 *
 * <p>Arguments: PostgreSQL URL, MariaDB URL, clients, warm-up seconds, measured seconds.
 */
public final class XaCredits {

    private XaCredits() {
    }

    public static void main(String[] args) throws Exception {
        String postgresUrl = args[0];
        String mariadbUrl = args[1];
        WorkloadArguments loop = WorkloadArguments.readFrom(args, 2);
        AccountTable.prepareIn(postgresUrl, mariadbUrl);
        SeataClient.startTransactionManager();
        SeataClient.startResourceManager();
        Measurement measured;
        try (LocalCredits credits = new LocalCredits(postgresUrl, mariadbUrl, loop.clients(), DataSourceProxyXA::new)) {
            TransactionalTemplate template = new TransactionalTemplate();
            ClosedLoop.Operation globalCredits = () -> inGlobalTransaction(template, credits);
            SeataClient.awaitFirst(globalCredits, Duration.ofSeconds(60));
            measured = loop.run(globalCredits);
        }
        ResultLine.print(measured);
        System.exit(0); // Seata's client leaves non-daemon threads behind
    }

    private static void inGlobalTransaction(TransactionalTemplate template, LocalCredits credits) throws Exception {
        try {
            template.execute(new TransactionalExecutor() {
                @Override
                public Object execute() throws Throwable {
                    credits.creditBoth();
                    return null;
                }

                @Override
                public TransactionInfo getTransactionInfo() {
                    TransactionInfo info = new TransactionInfo();
                    info.setName("bench-credit-both");
                    info.setTimeOut(SeataClient.TIMEOUT_MILLIS);
                    return info;
                }
            });
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable other) {
            throw new IllegalStateException(other);
        }
    }
}
