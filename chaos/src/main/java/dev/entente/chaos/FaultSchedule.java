package dev.entente.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The faults of one run, drawn in advance from the run's seed alone, so a failing seed replays the
 * same schedule: which fault, its target (a side, a service, a follower, by index), when it starts
 * (milliseconds into the workload) and how long it is held before it is healed.
 */
record FaultSchedule(long seed, List<Planned> faults) {

    record Planned(long atMillis, Fault fault, int target, long holdMillis) {
    }

    /** Faults every 1.5-4 s after the previous one healed, held 1-5 s, until 5 s before the workload ends. */
    static FaultSchedule draw(long seed, Duration workload) {
        Random random = new Random(seed);
        Fault[] mix = Fault.values();
        List<Planned> faults = new ArrayList<>();
        long at = 3_000 + random.nextInt(2_000);
        while (at < workload.toMillis() - 5_000) {
            long hold = 1_000 + random.nextInt(4_000);
            faults.add(new Planned(at, mix[random.nextInt(mix.length)], random.nextInt(1 << 16), hold));
            at += hold + 1_500 + random.nextInt(2_500);
        }
        return new FaultSchedule(seed, List.copyOf(faults));
    }
}
