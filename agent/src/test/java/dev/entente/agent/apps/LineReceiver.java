package dev.entente.agent.apps;

import dev.entente.api.GlobalTransaction;
import dev.entente.api.PropagationHeaders;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The receiving service: takes {@link LineMessages} on a plain socket and writes the message's id to its
 * database in the global transaction the message's headers name ({@code PropagationHeaders.callIn}).
 * A message with {@code fail=true} makes the work fail after its write. Answers {@code ok <where it
 * ran>} or {@code failed <exception>}. Arguments: port, JDBC URL.
 */
public final class LineReceiver {

    public static void main(String[] args) throws Exception {
        String url = args[1];
        LineMessages.reset(url);
        try (ServerSocket server = new ServerSocket(Integer.parseInt(args[0]), 50, InetAddress.getLoopbackAddress())) {
            System.out.println("ready on " + server.getLocalPort());
            System.out.flush();
            while (true) {
                try (Socket socket = server.accept();
                     BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                     PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8)) {
                    out.println(handle(url, LineMessages.decode(in.readLine())));
                }
            }
        }
    }

    private static String handle(String url, Map<String, String> message) {
        try {
            return "ok " + PropagationHeaders.callIn(message::get, () -> {
                LineMessages.insert(url, Integer.parseInt(message.get("id")));
                if (message.containsKey("fail")) {
                    throw new IllegalStateException("the receiver fails after its write");
                }
                return GlobalTransaction.currentXid().map(xid -> "in " + xid).orElse("outside any transaction");
            });
        } catch (Exception e) {
            return "failed " + e;
        }
    }
}
