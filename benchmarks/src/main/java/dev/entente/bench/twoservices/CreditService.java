package dev.entente.bench.twoservices;

import dev.entente.api.GlobalTransactional;
import dev.entente.bench.AccountTable;
import dev.entente.samples.shop.Arguments;
import dev.entente.samples.shop.Pools;
import dev.entente.samples.shop.Refused;
import dev.entente.samples.shop.Web;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * A service in the sample shop's shape: {@code GET /credit} credits one account in its own database
 * (a local transaction on a pooled connection) and then, if it has a next service, calls that one's
 * {@code /credit} over HTTP. The front service (PostgreSQL) calls the second (MariaDB). The method is
 * {@code @GlobalTransactional}: under the agent the front begins a global transaction, the second
 * joins it (the XID travels in the HTTP call) and each database update becomes an XA branch; without
 * the agent the annotation does nothing and the two updates are independent local transactions.
 */
public final class CreditService {

    static final String READY = "ready on ";

    private final DataSource database;
    private final String next;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();

    CreditService(DataSource database, String next) {
        this.database = database;
        this.next = next;
    }

    @GlobalTransactional(name = "bench-two-services")
    public String credit() throws SQLException, IOException, InterruptedException {
        AccountTable.creditAlone(database, AccountTable.anyAccount());
        if (!next.isEmpty()) {
            HttpResponse<String> reply = http.send(HttpRequest.newBuilder(URI.create(next + "/credit")).timeout(Duration.ofSeconds(30))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (reply.statusCode() != 200) {
                throw new Refused(502, next + "/credit answered " + reply.statusCode() + ": " + reply.body().strip());
            }
        }
        return "credited";
    }

    /** Arguments: --name NAME --port P --database JDBC_URL --next BASE_URL (empty: the last service). */
    public static void main(String[] args) throws Exception {
        Arguments options = new Arguments("credit", "CreditService --name NAME --port P --database JDBC_URL --next URL", args);
        CreditService service = new CreditService(Pools.open(options.get("name"), options.get("database")), options.get("next"));
        new Web(options.port()).route("/credit", query -> service.credit()).start(options.get("name"));
    }
}
