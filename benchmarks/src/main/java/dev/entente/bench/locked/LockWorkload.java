package dev.entente.bench.locked;

import dev.entente.bench.ClosedLoop;
import dev.entente.bench.Measurement;
import dev.entente.bench.ResultLine;
import dev.entente.bench.WorkloadArguments;
import java.time.Duration;

/**
 * Clients entering a critical section under a ZooKeeper lock on a key picked at random, in their own
 * JVM: through Curator's {@code InterProcessMutex} ({@code CURATOR}) or a {@code @Locked} method
 * ({@code LOCKED}, run with the agent). Prints one result line.
 *
 * <p>Arguments: CURATOR|LOCKED, ZooKeeper connect string, keys, clients, warm-up seconds, measured seconds.
 */
public final class LockWorkload {

    private LockWorkload() {
    }

    public static void main(String[] args) throws Exception {
        String way = args[0];
        String zookeeper = args[1];
        CriticalSection section = new CriticalSection(Integer.parseInt(args[2]));
        int clients = Integer.parseInt(args[3]);
        Duration warmup = WorkloadArguments.seconds(args[4]);
        Duration window = WorkloadArguments.seconds(args[5]);
        Measurement measured;
        if (way.equals("CURATOR")) {
            try (CuratorSections curator = new CuratorSections(zookeeper, section)) {
                measured = ClosedLoop.run(clients, warmup, window, () -> curator.enter(section.anyKey()));
            }
        } else {
            LockedSections locked = new LockedSections(section);
            measured = ClosedLoop.run(clients, warmup, window, () -> locked.enter(section.anyKey()));
        }
        ResultLine.print(measured);
        System.exit(0); // the agent's ZooKeeper client leaves non-daemon threads behind
    }
}
