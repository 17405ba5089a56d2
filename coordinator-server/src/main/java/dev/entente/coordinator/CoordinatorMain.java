package dev.entente.coordinator;

import java.util.Arrays;

/** {@code entente coordinator ...}: runs one coordinator node until the process is stopped. */
public final class CoordinatorMain {

    private CoordinatorMain() {
    }

    public static void main(String[] args) {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.print(NodeOptions.USAGE);
            return;
        }
        NodeOptions options;
        try {
            options = NodeOptions.parse(args);
        } catch (NodeOptions.InvalidOption e) {
            System.err.println("entente coordinator: " + e.getMessage());
            System.err.print(NodeOptions.USAGE);
            System.exit(2);
            return;
        }
        try {
            CoordinatorNode node = new CoordinatorNode(options);
            node.start();
            Runtime.getRuntime().addShutdownHook(new Thread(node::close, "entente-shutdown"));
            System.out.println("entente coordinator " + options.nodeId() + " admin operations: "
                    + (node.adminCredential().enabled() ? "need the token in " : "disabled: ") + node.adminCredential().source());
            System.out.println("entente coordinator " + options.nodeId() + " ready: client=" + options.clientAddress()
                    + " admin=http://" + options.adminAddress() + " raft=" + options.raftAddress()
                    + " data=" + options.dataDir() + (options.dev() ? " (dev mode: one node, plain text)" : ""));
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
