package dev.entente.bench.twodatabases;

import dev.entente.api.GlobalTransactional;
import java.sql.SQLException;

/** The same two credits as {@link LocalCredits}, in one global transaction (the agent makes it so). */
final class GlobalCredits extends LocalCredits {

    GlobalCredits(String postgresUrl, String mariadbUrl, int clients) {
        super(postgresUrl, mariadbUrl, clients);
    }

    @Override
    @GlobalTransactional(name = "bench-credit-both")
    public void creditBoth() throws SQLException {
        super.creditBoth();
    }
}
