package dev.entente.runtime.lock;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.locks.InterProcessSemaphoreV2;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mutual-exclusion lock per key on a ZooKeeper ensemble, with fencing tokens.
 *
 * <p>Built on Curator's {@link InterProcessSemaphoreV2} with one lease, the recipe
 * {@code InterProcessSemaphoreMutex} wraps: unlike {@code InterProcessMutex} a lease is not bound to
 * the thread that took it, so a lock held until a global transaction's phase 2 can be given back by
 * whichever thread sees the transaction finish; and the lease's node is known, so its creation zxid
 * (czxid) serves as the fencing token. A waiter creates its lease node only once the previous
 * holder's exists (Curator serialises that step with an internal mutex), so successive holders of a
 * key get strictly growing tokens, also across ZooKeeper leader changes (a zxid's high half is the
 * leader's epoch).
 *
 * <p>Guarantee: among live ZooKeeper sessions at most one lease per key exists. Failure behaviour: a
 * holder whose session expires loses its (ephemeral) lease node, and the next waiter goes ahead; the
 * holder learns of it through the connection-state callback (SUSPENDED, then LOST), and only then.
 * The callback may come late, which is why a holder's writes should carry its fencing token.
 *
 * <p>Nodes: {@code <root>/<key, URL-encoded>/leases/...} (the leases) and {@code .../locks/...}
 * (Curator's internal mutex); both parents are containers that ZooKeeper removes when empty.
 */
final class ZooKeeperMutex implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperMutex.class);

    /** A held lease: its node, the node's czxid (the fencing token) and the session that created it. */
    record Lease(String key, String path, long token, long sessionId,
                 org.apache.curator.framework.recipes.locks.Lease curatorLease) {
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

    /** @param connectionLost told SUSPENDED and LOST, on Curator's event thread */
    ZooKeeperMutex(String connectString, String root, Duration sessionTimeout, Consumer<ConnectionState> connectionLost) {
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
                .build();
        client.getConnectionStateListenable().addListener((c, state) -> {
            LOG.info("ZooKeeper {}: connection {}", connectString, state);
            if (state == ConnectionState.SUSPENDED || state == ConnectionState.LOST) {
                connectionLost.accept(state);
            }
        });
        client.start();
    }

    /** Takes the lock on {@code key}, waiting up to {@code waitMillis}; null if another holder kept it. */
    Lease acquire(String key, long waitMillis) throws Exception {
        long start = System.nanoTime();
        if (!client.getZookeeperClient().isConnected() && !client.blockUntilConnected((int) waitMillis, TimeUnit.MILLISECONDS)) {
            throw new Unreachable("ZooKeeper at " + connectString + " was not reachable within " + waitMillis + " ms");
        }
        long left = Math.max(1, waitMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        InterProcessSemaphoreV2 semaphore = new InterProcessSemaphoreV2(client, keyPath(key), 1);
        org.apache.curator.framework.recipes.locks.Lease lease = semaphore.acquire(left, TimeUnit.MILLISECONDS);
        if (lease == null) {
            return null;
        }
        String path = ZKPaths.makePath(ZKPaths.makePath(keyPath(key), "leases"), lease.getNodeName());
        Stat stat;
        try {
            stat = client.checkExists().forPath(path);
        } catch (Exception e) {
            close(lease, key);
            throw e;
        }
        if (stat == null) {
            throw new IllegalStateException("the lease node " + path + " vanished as soon as it was taken (ZooKeeper session lost)");
        }
        return new Lease(key, path, stat.getCzxid(), stat.getEphemeralOwner(), lease);
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

    /** Gives {@code lease} back; Curator keeps retrying the delete in the background if ZooKeeper is away. */
    void release(Lease lease) {
        close(lease.curatorLease(), lease.key());
    }

    private static void close(org.apache.curator.framework.recipes.locks.Lease lease, String key) {
        try {
            lease.close();
        } catch (IOException e) {
            LOG.warn("giving back the lock on key '{}' failed: {}; its node goes when the session ends", key, e.getMessage());
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
