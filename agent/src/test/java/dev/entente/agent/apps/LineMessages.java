package dev.entente.agent.apps;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.Socket;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A transport the agent knows nothing of: one line over a plain TCP socket, {@code name=value} fields
 * joined by {@code &}, answered by one line. The test apps that carry a global transaction over it
 * themselves ({@link LineSender}, {@link LineReceiver}) share it, and their one table.
 */
final class LineMessages {

    private LineMessages() {
    }

    static String encode(Map<String, String> fields) {
        return fields.entrySet().stream().map(field -> field.getKey() + "=" + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    static Map<String, String> decode(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String field : line.split("&")) {
            int equals = field.indexOf('=');
            fields.put(field.substring(0, equals), URLDecoder.decode(field.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return fields;
    }

    /** Sends {@code fields} to the receiver on {@code port}; its answer. */
    static String send(int port, Map<String, String> fields) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port);
             PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
             BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
            out.println(encode(fields));
            return in.readLine();
        }
    }

    static void insert(String url, int id) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.executeUpdate("insert into carried values (" + id + ")");
        }
    }

    static String kept(String url, int id) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select count(*) from carried where id = " + id)) {
            rows.next();
            return rows.getInt(1) == 1 ? "kept" : "gone";
        }
    }

    static void reset(String url) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.executeUpdate("drop table if exists carried");
            statement.executeUpdate("create table carried (id int primary key)");
        }
    }
}
