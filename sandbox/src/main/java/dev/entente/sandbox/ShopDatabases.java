package dev.entente.sandbox;

import dev.entente.testkit.Rows;
import dev.entente.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The shop's three databases: orders and payments on PostgreSQL, inventory on MariaDB. Created
 * afresh with their opening stock and balances, and read back for the consistency checks.
 */
final class ShopDatabases {

    /** Opening stock: plenty of most items, a few of two scarce ones (orders for them run out). */
    static final Map<String, Integer> STOCK = openingStock();
    /** Opening balances: most customers can pay, three can barely pay anything. */
    static final Map<String, Integer> BALANCES = openingBalances();

    final TestDatabase postgres;
    final TestDatabase mariadb;
    private final String clusterId;
    final String ordersUrl;
    final String paymentsUrl;
    final String inventoryUrl;

    /** @param clusterId the sandbox coordinator's cluster id, which its XIDs start with */
    ShopDatabases(TestDatabase postgres, TestDatabase mariadb, String clusterId) throws SQLException {
        this.postgres = postgres;
        this.mariadb = mariadb;
        this.clusterId = clusterId;
        ordersUrl = postgres.createDatabase("shop_orders");
        paymentsUrl = postgres.createDatabase("shop_payments");
        inventoryUrl = mariadb.createDatabase("shop_inventory");
        execute(ordersUrl, "create table orders (id varchar(40) primary key, customer varchar(20) not null, "
                + "sku varchar(20) not null, quantity int not null, amount int not null)");
        execute(paymentsUrl, "create table accounts (customer varchar(20) primary key, balance int not null)");
        execute(paymentsUrl, "create table payments (order_id varchar(40) primary key, customer varchar(20) not null, amount int not null)");
        execute(inventoryUrl, "create table stock (sku varchar(20) primary key, quantity int not null)");
        execute(inventoryUrl, "create table reservations (order_id varchar(40) primary key, sku varchar(20) not null, quantity int not null)");
        for (Map.Entry<String, Integer> item : STOCK.entrySet()) {
            execute(inventoryUrl, "insert into stock values ('" + item.getKey() + "', " + item.getValue() + ")");
        }
        for (Map.Entry<String, Integer> account : BALANCES.entrySet()) {
            execute(paymentsUrl, "insert into accounts values ('" + account.getKey() + "', " + account.getValue() + ")");
        }
    }

    Set<String> orderIds() throws SQLException {
        return new HashSet<>(Rows.column(ordersUrl, "select id from orders"));
    }

    Set<String> reservedOrderIds() throws SQLException {
        return new HashSet<>(Rows.column(inventoryUrl, "select order_id from reservations"));
    }

    Set<String> paidOrderIds() throws SQLException {
        return new HashSet<>(Rows.column(paymentsUrl, "select order_id from payments"));
    }

    /** Per sku: stock left plus quantity reserved. */
    Map<String, Integer> stockPlusReserved() throws SQLException {
        return sums(inventoryUrl, "select s.sku, s.quantity + coalesce((select sum(r.quantity) from reservations r "
                + "where r.sku = s.sku), 0) from stock s");
    }

    /** Skus whose stock went below zero: sold twice, which the inventory's @Locked reservation prevents. */
    List<String> oversoldSkus() throws SQLException {
        return Rows.column(inventoryUrl, "select sku from stock where quantity < 0");
    }

    /** Customers whose balance went below zero: charged twice. */
    List<String> overdrawnCustomers() throws SQLException {
        return Rows.column(paymentsUrl, "select customer from accounts where balance < 0");
    }

    /** Per customer: balance left plus amount paid. */
    Map<String, Integer> balancePlusPaid() throws SQLException {
        return sums(paymentsUrl, "select a.customer, a.balance + coalesce((select sum(p.amount) from payments p "
                + "where p.customer = a.customer), 0) from accounts a");
    }

    /** Prepared XA branches of the sandbox's cluster still in either server. */
    List<String> preparedBranches() {
        List<String> prepared = new ArrayList<>();
        for (TestDatabase server : List.of(postgres, mariadb)) {
            server.preparedTransactions().stream().filter(xid -> xid.startsWith(clusterId + ":")).forEach(prepared::add);
        }
        return prepared;
    }

    private static Map<String, Integer> openingStock() {
        Map<String, Integer> stock = new HashMap<>();
        for (int i = 1; i <= 8; i++) {
            stock.put(String.format("sku-%02d", i), 100_000);
        }
        stock.put("sku-09", 6);
        stock.put("sku-10", 6);
        return Map.copyOf(stock);
    }

    private static Map<String, Integer> openingBalances() {
        Map<String, Integer> balances = new HashMap<>();
        for (int i = 1; i <= 20; i++) {
            balances.put(String.format("customer-%02d", i), 1_000_000);
        }
        for (int i = 21; i <= 23; i++) {
            balances.put(String.format("customer-%02d", i), 12);
        }
        return Map.copyOf(balances);
    }

    private static void execute(String url, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static Map<String, Integer> sums(String url, String sql) throws SQLException {
        Map<String, Integer> sums = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                sums.put(rows.getString(1), rows.getInt(2));
            }
        }
        return sums;
    }
}
