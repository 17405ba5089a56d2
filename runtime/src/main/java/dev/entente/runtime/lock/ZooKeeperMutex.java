package dev.entente.runtime.lock;

import dev.entente.protocol.config.SecurityProperties;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mutual-exclusion lock per key on a ZooKeeper ensemble, with fencing tokens, not bound to a thread.
 *
 * <p>The classic ZooKeeper lock recipe (as Curator's {@code InterProcessMutex}): a taker creates an
 * ephemeral sequential node under the key's {@code leases} node; the lowest sequence number holds the
 * lock, every other taker watches the node just before its own and looks again when it goes. Unlike
 * {@code InterProcessMutex} a hold is not tied to the thread that took it, so a lock held until a
 * global transaction's phase 2 can be given back by whichever thread sees the transaction finish; and
 * the node's {@code Stat} comes back with its create, so its creation zxid (czxid) serves as the
 * fencing token at no extra round trip. Holders hold in the order of their sequence numbers, which
 * ZooKeeper assigns in the order of the creates, so successive holders of a key get strictly growing
 * tokens, also across ZooKeeper leader changes (a zxid's high half is the leader's epoch).
 *
 * <p>Guarantee: among live ZooKeeper sessions at most one holder per key. Failure behaviour: a
 * holder whose session expires loses its (ephemeral) node, and the next taker goes ahead; the holder
 * learns of it through the connection-state callback (SUSPENDED, then LOST), and only then. The
 * callback may come late, which is why a holder's writes should carry its fencing token. A taker that
 * gives up (its wait is over, ZooKeeper failed, interrupted) deletes its node, retrying in the
 * background while the session lasts.
 *
 * <p>Nodes: {@code <root>/<key, URL-encoded>/leases/_c_<uuid>-lease-<sequence>}; the parents are
 * containers that ZooKeeper removes when empty. The names and the parent are those of the lease nodes
 * of the recipe earlier versions used (Curator's {@code InterProcessSemaphoreV2} with one lease), which
 * holds only while its node is the sole one: so the two exclude each other while both run (a rolling
 * upgrade), see docs/locks.md.
 */
final class ZooKeeperMutex implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperMutex.class);
    private static final String NODE_PREFIX = "lease-";
    /** Orders the nodes under {@code leases} by their sequence number (the protection prefix differs per node). */
    private static final Comparator<String> BY_SEQUENCE = Comparator.comparing(ZooKeeperMutex::sequence);

    /** A held lock: its node, the node's czxid (the fencing token) and the session that created it. */
    record Lease(String key, String path, long token, long sessionId) {
    }

    /** ZooKeeper did not answer in time. */
    static final class Unreachable extends Exception {
        Unreachable(String message) {
            super(message);
        }
    }

    private final CuratorFramework client;
    private final String connectString;
    private final String root;

    /** The socket ZooKeeper's client needs for TLS: its default (NIO) speaks plain text only. */
    private static final String NETTY_SOCKET = "org.apache.zookeeper.ClientCnxnSocketNetty";

    /**
     * @param security       TLS and SASL settings of the client (ZooKeeper's own keys), the setting zookeeper-client-properties
     * @param connectionLost told SUSPENDED and LOST, on Curator's event thread
     */
    ZooKeeperMutex(String connectString, SecurityProperties security, String root, Duration sessionTimeout,
                   Consumer<ConnectionState> connectionLost) {
        this.connectString = connectString;
        this.root = root;
        int session = (int) sessionTimeout.toMillis();
        this.client = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .sessionTimeoutMs(session)
                .connectionTimeoutMs(Math.min(session, 5000))
                .retryPolicy(new ExponentialBackoffRetry(100, 3))
                // the ensemble tracker rebalances clients across servers when the ensemble's configuration
                // is announced, which suspends the connection and so would count every held lock as lost
                .ensembleTracker(false)
                .zkClientConfig(clientConfig(security))
                .build();
        client.getConnectionStateListenable().addListener((c, state) -> {
            LOG.info("ZooKeeper {}: connection {}", connectString, state);
            if (state == ConnectionState.SUSPENDED || state == ConnectionState.LOST) {
                connectionLost.accept(state);
            }
        });
        client.start();
    }

    /** ZooKeeper's client settings (its system properties) with {@code security} on top; TLS picks the Netty socket. */
    private static ZKClientConfig clientConfig(SecurityProperties security) {
        ZKClientConfig config = new ZKClientConfig();
        security.forEach(config::setProperty);
        if (config.getBoolean(ZKClientConfig.SECURE_CLIENT) && config.getProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET) == null) {
            config.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, NETTY_SOCKET);
        }
        return config;
    }

    /** Takes the lock on {@code key}, waiting up to {@code waitMillis}; null if another holder kept it. */
    Lease acquire(String key, long waitMillis) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        if (!client.getZookeeperClient().isConnected() && !client.blockUntilConnected((int) waitMillis, TimeUnit.MILLISECONDS)) {
            throw new Unreachable("ZooKeeper at " + connectString + " was not reachable within " + waitMillis + " ms");
        }
        String leases = ZKPaths.makePath(keyPath(key), "leases");
        Stat stat = new Stat();
        // protection: if the create's reply is lost, Curator finds the node by its prefix instead of making a second one
        String path = client.create().storingStatIn(stat).creatingParentContainersIfNeeded().withProtection()
                .withMode(CreateMode.EPHEMERAL_SEQUENTIAL).forPath(ZKPaths.makePath(leases, NODE_PREFIX));
        boolean held = false;
        try {
            if (stat.getCzxid() == 0) {
                // found after a lost reply: Curator did not fill the Stat
                stat = client.checkExists().forPath(path);
                if (stat == null) {
                    throw new IllegalStateException("the lock node " + path + " vanished as soon as it was made (ZooKeeper session lost)");
                }
            }
            held = waitForTurn(leases, ZKPaths.getNodeFromPath(path), deadline);
            return held ? new Lease(key, path, stat.getCzxid(), stat.getEphemeralOwner()) : null;
        } finally {
            if (!held) {
                delete(path, key);
            }
        }
    }

    /**
     * Waits until {@code node} is the lowest under {@code leases}, watching its predecessor;
     * false if the deadline passes first. A watch also fires when the connection is lost, so a waiter
     * then looks again, and fails if ZooKeeper stays away or its node went with the session.
     */
    private boolean waitForTurn(String leases, String node, long deadline) throws Exception {
        while (true) {
            List<String> children = client.getChildren().forPath(leases);
            if (!children.contains(node)) {
                throw new IllegalStateException("the lock node " + ZKPaths.makePath(leases, node)
                        + " vanished while waiting (ZooKeeper session lost)");
            }
            String predecessor = children.stream().filter(child -> BY_SEQUENCE.compare(child, node) < 0)
                    .max(BY_SEQUENCE).orElse(null);
            if (predecessor == null) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            CountDownLatch changed = new CountDownLatch(1);
            try {
                client.getData().usingWatcher((Watcher) event -> changed.countDown())
                        .forPath(ZKPaths.makePath(leases, predecessor));
            } catch (KeeperException.NoNodeException gone) {
                continue;
            }
            changed.await(left, TimeUnit.NANOSECONDS);
        }
    }

    /** The sequence number ZooKeeper appended: the name's end after the last {@value #NODE_PREFIX}. */
    private static String sequence(String node) {
        return node.substring(node.lastIndexOf(NODE_PREFIX) + NODE_PREFIX.length());
    }

    /** Whether {@code lease}'s node still exists and belongs to this client's current session. */
    boolean stillHeld(Lease lease) {
        try {
            long session = client.getZookeeperClient().getZooKeeper().getSessionId();
            Stat stat = client.checkExists().forPath(lease.path());
            return stat != null && session == lease.sessionId() && stat.getEphemeralOwner() == session;
        } catch (Exception e) {
            LOG.debug("cannot check the lock node {}: {}", lease.path(), e.toString());
            return false;
        }
    }

    /** Gives {@code lease} back, from any thread; Curator keeps retrying the delete in the background if ZooKeeper is away. */
    void release(Lease lease) {
        delete(lease.path(), lease.key());
    }

    private void delete(String path, String key) {
        try {
            client.delete().quietly().guaranteed().forPath(path);
        } catch (Exception e) {
            LOG.warn("deleting the lock node {} of key '{}' failed: {}; Curator retries while the session lasts, "
                    + "and the node goes when it ends", path, key, e.toString());
        }
    }

    /** The key's node: URL-encoded, so that any key is one path segment and never "." or "..". */
    private String keyPath(String key) {
        String node = URLEncoder.encode(key, StandardCharsets.UTF_8);
        if (node.isEmpty() || node.chars().allMatch(c -> c == '.')) {
            node = node.replace(".", "%2E") + "%00";
        }
        return ZKPaths.makePath(root, node);
    }

    @Override
    public void close() {
        client.close();
    }
}
