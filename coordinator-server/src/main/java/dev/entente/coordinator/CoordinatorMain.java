package dev.entente.coordinator;

import dev.entente.options.InvalidOption;
import dev.entente.options.OptionTable;
import org.slf4j.LoggerFactory;

/** {@code entente coordinator ...}: runs one coordinator node until the process is stopped. */
public final class CoordinatorMain {

    private CoordinatorMain() {
    }

    public static void main(String[] args) {
        if (OptionTable.asksForHelp(args)) {
            System.out.print(NodeOptions.USAGE);
            return;
        }
        NodeOptions options;
        try {
            options = NodeOptions.parse(args, System.getenv());
        } catch (InvalidOption e) {
            System.err.println("entente coordinator: " + e.getMessage());
            System.err.print(NodeOptionTable.SYNOPSIS);
            System.err.println("(entente coordinator --help lists every option)");
            System.exit(2);
            return;
        }
        if (options.insecure()) {
            LoggerFactory.getLogger(CoordinatorMain.class).warn("--insecure: node {} runs plain text and does not "
                    + "authenticate clients; anyone who reaches its ports can drive and read its transactions, and the "
                    + "nodes' Raft traffic is unprotected. Use TLS (--tls-cert, --tls-key, --tls-ca, --app-secrets) outside "
                    + "a trusted test network.", options.nodeId());
        }
        try {
            CoordinatorNode node = new CoordinatorNode(options);
            node.start();
            Runtime.getRuntime().addShutdownHook(new Thread(node::close, "entente-shutdown"));
            System.out.println("entente coordinator " + options.nodeId() + " admin operations: "
                    + (node.adminCredential().enabled() ? "need the token in " : "disabled: ") + node.adminCredential().source());
            System.out.println("entente coordinator " + options.nodeId() + " admin views: " + node.viewAccess().describe());
            System.out.println("entente coordinator " + options.nodeId() + " ready: client=" + options.clientAddress()
                    + " admin=" + options.adminScheme() + "://" + options.adminAddress()
                    + (options.metricsPort().isPresent() ? " metrics=" + options.adminScheme() + "://" + options.metricsHost() + ":"
                            + options.metricsPort().getAsInt() + "/metrics" : "")
                    + " raft=" + options.raftAddress()
                    + " data=" + options.dataDir() + " security=" + options.security().describe()
                    + (options.insecure() ? " (INSECURE)" : "") + (options.dev() ? " (dev mode: one node on loopback)" : ""));
            System.out.flush();
        } catch (Exception e) {
            System.err.println("entente coordinator " + options.nodeId() + " failed to start: " + describe(e));
            System.exit(1);
        }
    }

    private static String describe(Throwable e) {
        StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            message.append(" (caused by ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage()).append(')');
        }
        return message.toString();
    }
}
