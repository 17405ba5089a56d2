package dev.entente.chaos;

import dev.entente.chaos.InvariantChecker.Verdict;
import dev.entente.chaos.Nemesis.Event;
import java.io.PrintStream;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** What a campaign's runs add up to: transfers by outcome, events, violations, and the faults applied by kind. */
final class CampaignTally {

    private final Map<Fault, Integer> faults = new EnumMap<>(Fault.class);
    private int runs;
    private int failedToRun;
    private long transfers;
    private long committed;
    private long rolledBack;
    private long unknown;
    private long unknownCommitted;
    private long unknownRolledBack;
    private long events;
    private long violations;

    void add(Verdict verdict, List<Event> applied) {
        runs++;
        transfers += verdict.transfers();
        committed += verdict.committed();
        rolledBack += verdict.rolledBack();
        unknown += verdict.unknown();
        unknownCommitted += verdict.unknownCommitted();
        unknownRolledBack += verdict.unknownRolledBack();
        events += verdict.events();
        violations += verdict.violations().size();
        applied.forEach(event -> faults.merge(event.fault(), 1, Integer::sum));
    }

    /** A run that could not run (its set-up or checking failed): it counts as a violation. */
    void addFailedRun() {
        runs++;
        failedToRun++;
        violations++;
    }

    long violations() {
        return violations;
    }

    void print(PrintStream out) {
        out.printf("campaign: %d runs (%d could not run); transfers %d: committed %d, rolled back %d, unknown %d "
                + "(settled: %d committed, %d rolled back); events published %d%n", runs, failedToRun, transfers, committed,
                rolledBack, unknown, unknownCommitted, unknownRolledBack, events);
        int applied = faults.values().stream().mapToInt(Integer::intValue).sum();
        out.printf("faults applied %d: %s%n", applied, faults.entrySet().stream()
                .sorted(Map.Entry.<Fault, Integer>comparingByValue().reversed())
                .map(f -> f.getKey() + " " + f.getValue()).collect(Collectors.joining(", ")));
    }
}
