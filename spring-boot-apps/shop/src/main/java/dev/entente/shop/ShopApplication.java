package dev.entente.shop;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A small shop as a Spring Boot user writes it, built on Boot 3 and on Boot 4: {@code POST /orders?item=...}
 * records an order in its database and takes the item from the stock service ({@code shop.stock-url}) over HTTP,
 * in one global transaction; {@code POST /stock/take?item=...} records a stock move. Each instance has one
 * database ({@code spring.datasource.url}) and plays either part; Entente's settings come from its
 * {@code application.yml}, the agent is attached with no arguments.
 */
@SpringBootApplication
public class ShopApplication {

    public static void main(String[] args) {
        SpringApplication.run(ShopApplication.class, args);
    }

    /** The tables of both parts, in whichever database this instance has. */
    @Bean
    ApplicationRunner tables(JdbcTemplate jdbc) {
        return arguments -> {
            jdbc.execute("create table if not exists orders (item varchar(100) not null)");
            jdbc.execute("create table if not exists stock_moves (item varchar(100) not null)");
        };
    }
}
