package dev.entente.shop;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Takes an item from stock: no Entente annotation, a request that carries a transaction runs inside it. */
@Service
public class Stock {

    private final JdbcTemplate jdbc;

    public Stock(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional
    public void take(String item) {
        jdbc.update("insert into stock_moves (item) values (?)", item);
    }
}
