package dev.entente.bench.locked;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.ExponentialBackoffRetry;

/** The baseline: Curator's {@code InterProcessMutex} used directly, one per key, around the same critical section. */
final class CuratorSections implements AutoCloseable {

    private final CuratorFramework client;
    private final CriticalSection section;
    private final ConcurrentHashMap<Integer, InterProcessMutex> mutexes = new ConcurrentHashMap<>();

    CuratorSections(String zookeeper, CriticalSection section) throws InterruptedException {
        this.client = CuratorFrameworkFactory.builder().connectString(zookeeper).retryPolicy(new ExponentialBackoffRetry(100, 5))
                .ensembleTracker(false).build();
        this.section = section;
        client.start();
        if (!client.blockUntilConnected(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no connection to ZooKeeper at " + zookeeper + " within 30 s");
        }
    }

    void enter(int key) throws Exception {
        InterProcessMutex mutex = mutexes.computeIfAbsent(key, k -> new InterProcessMutex(client, "/bench/curator/key-" + k));
        if (!mutex.acquire(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("InterProcessMutex on key " + key + " not acquired within 10 s");
        }
        try {
            section.enter(key);
        } finally {
            mutex.release();
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
