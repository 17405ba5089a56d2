package dev.entente.agent.apps;

import dev.entente.agent.apps.persistence.EntryWriter;
import dev.entente.agent.apps.persistence.Pools;
import dev.entente.agent.apps.persistence.Stacks;
import dev.entente.api.GlobalTransaction;
import dev.entente.api.GlobalTransactional;
import java.util.List;
import javax.sql.DataSource;

/**
 * One global transaction per persistence stack that writes a row to PostgreSQL and one to MariaDB, each
 * through the stack's own local transaction, and commits; then one that writes both and throws. Prints
 * {@code "<stack> committed <XID>"} and {@code "<stack> rolled back <XID>: <exception>"} (or what went
 * wrong instead), then {@code done}. The rows' id is the XID. Arguments: {@code queries} (JdbcTemplate,
 * Spring Data JPA, MyBatis and jOOQ, each over HikariCP by URL) or {@code pools} (JdbcTemplate over
 * HikariCP with dataSourceClassName, DBCP2, c3p0 and Spring's DriverManagerDataSource), then the JDBC
 * URLs of the PostgreSQL and the MariaDB database, whose table {@code entry (id, stack)} exists.
 */
public final class PersistenceStacksApp {

    /** Static: read after the method threw. */
    private static volatile String lastXid = "none";

    @GlobalTransactional
    public String writeBoth(String stack, EntryWriter postgres, EntryWriter mariadb, boolean fail) throws Exception {
        lastXid = GlobalTransaction.currentXid().orElse("none");
        postgres.insert(lastXid, stack);
        mariadb.insert(lastXid, stack);
        if (fail) {
            throw new IllegalStateException("failed after writing to both databases (as asked)");
        }
        return lastXid;
    }

    public static void main(String[] args) {
        String postgresUrl = args[1];
        String mariadbUrl = args[2];
        PersistenceStacksApp app = new PersistenceStacksApp();
        List<String> names = args[0].equals("queries") ? List.of("jdbc-template", "jpa", "mybatis", "jooq")
                : List.of("hikari-datasource-class", "dbcp2", "c3p0", "driver-manager");
        for (String name : names) {
            EntryWriter postgres;
            EntryWriter mariadb;
            try {
                if (args[0].equals("queries")) {
                    postgres = Stacks.of(name, Pools.hikariByUrl(postgresUrl), "postgresql");
                    mariadb = Stacks.of(name, Pools.hikariByUrl(mariadbUrl), "mariadb");
                } else {
                    postgres = Stacks.jdbcTemplate(Pools.of(name, postgresUrl, "postgresql"));
                    mariadb = Stacks.jdbcTemplate(Pools.of(name, mariadbUrl, "mariadb"));
                }
            } catch (RuntimeException e) {
                System.out.println(name + " could not be set up: " + e);
                e.printStackTrace(System.out);
                continue;
            }
            app.commitAndRollBack(name, postgres, mariadb);
        }
        System.out.println("done");
    }

    private void commitAndRollBack(String name, EntryWriter postgres, EntryWriter mariadb) {
        try {
            System.out.println(name + " committed " + writeBoth(name, postgres, mariadb, false));
        } catch (Exception e) {
            System.out.println(name + " did not commit " + lastXid + ": " + e);
            e.printStackTrace(System.out);
        }
        try {
            writeBoth(name, postgres, mariadb, true);
            System.out.println(name + " not rolled back " + lastXid);
        } catch (Exception e) {
            System.out.println(name + " rolled back " + lastXid + ": " + e);
        }
    }
}
