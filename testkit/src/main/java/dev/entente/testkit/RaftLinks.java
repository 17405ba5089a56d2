package dev.entente.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Raft links of a {@link CoordinatorCluster} as {@link TcpProxy proxies}, one per direction between
 * two nodes, so a test can cut a node off from the others: pass this as the cluster's
 * {@link CoordinatorCluster.RaftRoutes}, then {@link #isolate} and {@link #restore}.
 */
public final class RaftLinks implements CoordinatorCluster.RaftRoutes, AutoCloseable {

    private final Map<String, TcpProxy> links = new LinkedHashMap<>();

    @Override
    public synchronized String address(String from, String to, String raftAddress) {
        int colon = raftAddress.lastIndexOf(':');
        try {
            TcpProxy link = new TcpProxy(raftAddress.substring(0, colon), Integer.parseInt(raftAddress.substring(colon + 1)));
            links.put(from + "->" + to, link);
            return link.address();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a proxy for the Raft link " + from + "->" + to + " to " + raftAddress, e);
        }
    }

    /** Cuts every Raft connection to and from {@code node}: the other nodes and it no longer hear each other. */
    public synchronized void isolate(String node) {
        links.forEach((link, proxy) -> {
            if (link.startsWith(node + "->") || link.endsWith("->" + node)) {
                proxy.cut();
            }
        });
    }

    /** Lets every Raft connection through again. */
    public synchronized void restore() {
        links.values().forEach(TcpProxy::restore);
    }

    @Override
    public synchronized void close() {
        links.values().forEach(TcpProxy::close);
    }
}
