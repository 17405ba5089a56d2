package dev.entente.shop;

import dev.entente.api.GlobalTransaction;
import dev.entente.api.GlobalTransactional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.client.RestClient;

/** Places an order: its row here, the stock taken by the stock service, both or neither. */
@Service
public class Orders {

    private final JdbcTemplate jdbc;
    private final RestClient stock;

    public Orders(JdbcTemplate jdbc, @Value("${shop.stock-url:http://localhost:8081}") String stockUrl) {
        this.jdbc = jdbc;
        this.stock = RestClient.create(stockUrl);
    }

    /** Returns the global transaction's XID; {@code fail} throws after both services did their part. */
    @GlobalTransactional
    @Transactional
    public String place(String item, boolean fail) {
        jdbc.update("insert into orders (item) values (?)", item);
        stock.post().uri("/stock/take?item={item}", item).retrieve().toBodilessEntity();
        if (fail) {
            throw new IllegalStateException("order of " + item + " failed after the stock was taken (as asked)");
        }
        return GlobalTransaction.currentXid().orElse("none");
    }
}
