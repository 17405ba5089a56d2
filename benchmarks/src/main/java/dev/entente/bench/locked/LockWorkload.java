package dev.entente.bench.locked;

import dev.entente.bench.Measurement;
import dev.entente.bench.ResultLine;
import dev.entente.bench.WorkloadArguments;

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
        WorkloadArguments loop = WorkloadArguments.readFrom(args, 3);
        Measurement measured;
        if (way.equals("CURATOR")) {
            try (CuratorSections curator = new CuratorSections(zookeeper, section)) {
                measured = loop.run(() -> curator.enter(section.anyKey()));
            }
        } else {
            LockedSections locked = new LockedSections(section);
            measured = loop.run(() -> locked.enter(section.anyKey()));
        }
        ResultLine.print(measured);
        System.exit(0); // the agent's ZooKeeper client leaves non-daemon threads behind
    }
}
