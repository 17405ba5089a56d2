package dev.entente.agent.apps;

import dev.entente.api.GlobalTransaction;

/**
 * Answers {@code /xid} with the global transaction its handler runs in ({@code none} outside one): what the
 * inbound-propagation tests read. Arguments: port, then the HTTP server ({@code jdk}, {@code tomcat9},
 * {@code jetty12}, {@code webflux}: see {@link HttpApp}).
 */
public final class ContextEchoService {

    private ContextEchoService() {
    }

    public static void main(String[] args) throws Exception {
        HttpApp app = HttpApp.create(args[1], Integer.parseInt(args[0]));
        app.route("/xid", query -> GlobalTransaction.currentXid().orElse("none"));
        app.start();
    }
}
