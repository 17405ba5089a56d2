package dev.entente.chaos;

import dev.entente.testkit.RaftLinks;
import dev.entente.testkit.TcpProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every connection of a run that the nemesis can cut, as a {@link TcpProxy} put in the addresses the
 * processes are given: each service's route to each coordinator node's client port, and each
 * coordinator node's route to each other node's Raft port (one proxy per direction), and each
 * account service's route to ZooKeeper.
 */
final class Network implements AutoCloseable {

    private final Map<String, List<TcpProxy>> serviceRoutes = new LinkedHashMap<>();
    private final RaftLinks raftLinks = new RaftLinks();
    private final Map<String, TcpProxy> zookeeperRoutes = new LinkedHashMap<>();

    /** The ZooKeeper address {@code service} is given: a proxy of its own to {@code zookeeper}. */
    synchronized String zookeeperFor(String service, String zookeeper) {
        TcpProxy route = proxy(zookeeper);
        zookeeperRoutes.put(service, route);
        return route.address();
    }

    /** Cuts {@code service}'s connection to ZooKeeper (its session expires if this lasts past its timeout). */
    synchronized void isolateFromZooKeeper(String service) {
        TcpProxy route = zookeeperRoutes.get(service);
        if (route == null) {
            throw new IllegalArgumentException("no ZooKeeper route for service '" + service + "'; known: " + zookeeperRoutes.keySet());
        }
        route.cut();
    }

    /** The coordinator address list {@code service} is given: one proxy per node. */
    synchronized String coordinatorFor(String service, List<String> nodeClientAddresses) {
        List<TcpProxy> routes = new ArrayList<>();
        for (String address : nodeClientAddresses) {
            routes.add(proxy(address));
        }
        serviceRoutes.put(service, routes);
        return routes.stream().map(TcpProxy::address).collect(Collectors.joining(","));
    }

    /** The address node {@code from} is given for node {@code to}'s Raft port {@code raftAddress}. */
    synchronized String raftRoute(String from, String to, String raftAddress) {
        return raftLinks.address(from, to, raftAddress);
    }

    /** Cuts every connection between {@code service} and the coordinator cluster, and refuses new ones. */
    synchronized void isolateService(String service) {
        routes(service).forEach(TcpProxy::cut);
    }

    /** Cuts every Raft connection to and from {@code node}: the other nodes and it no longer hear each other. */
    synchronized void isolateNode(String node) {
        raftLinks.isolate(node);
    }

    /** Lets every connection through again. */
    synchronized void heal() {
        serviceRoutes.values().forEach(routes -> routes.forEach(TcpProxy::restore));
        raftLinks.restore();
        zookeeperRoutes.values().forEach(TcpProxy::restore);
    }

    private List<TcpProxy> routes(String service) {
        List<TcpProxy> routes = serviceRoutes.get(service);
        if (routes == null) {
            throw new IllegalArgumentException("no coordinator routes for service '" + service + "'; known: " + serviceRoutes.keySet());
        }
        return routes;
    }

    private static TcpProxy proxy(String target) {
        int colon = target.lastIndexOf(':');
        try {
            return new TcpProxy(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a proxy to " + target, e);
        }
    }

    @Override
    public synchronized void close() {
        serviceRoutes.values().forEach(routes -> routes.forEach(TcpProxy::close));
        raftLinks.close();
        zookeeperRoutes.values().forEach(TcpProxy::close);
    }
}
