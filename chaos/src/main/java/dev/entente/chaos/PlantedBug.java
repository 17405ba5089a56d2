package dev.entente.chaos;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The deliberate bugs {@code --planted-bug} can turn on, each to show that the checker catches what it
 * breaks. Each is a system property of the product, set in the processes that hold the broken code.
 */
enum PlantedBug {

    /** None: the product as built. */
    NONE("none", List.of(), List.of()),
    /** Account services' branches commit where they should prepare, without asking the coordinator. */
    COMMIT_WITHOUT_ASKING("commit-without-asking", List.of("-Dentente.planted-bug.commit-without-asking=true"), List.of()),
    /** The coordinator sends every message of a committed transaction twice. */
    PUBLISH_TWICE("publish-twice", List.of(), List.of("-Dentente.planted-bug.publish-twice=true"));

    private final String option;
    private final List<String> serviceJvmOptions;
    private final List<String> coordinatorJvmOptions;

    PlantedBug(String option, List<String> serviceJvmOptions, List<String> coordinatorJvmOptions) {
        this.option = option;
        this.serviceJvmOptions = serviceJvmOptions;
        this.coordinatorJvmOptions = coordinatorJvmOptions;
    }

    /** The bug {@code --planted-bug NAME} names, or throws naming the ones there are. */
    static PlantedBug named(String name) {
        return Arrays.stream(values()).filter(bug -> bug != NONE && bug.option.equals(name)).findFirst()
                .orElseThrow(() -> new ChaosOptions.InvalidOption("--planted-bug: expected one of " + names() + ", got '" + name + "'"));
    }

    static String names() {
        return Arrays.stream(values()).filter(bug -> bug != NONE).map(bug -> bug.option).collect(Collectors.joining(", "));
    }

    String option() {
        return option;
    }

    List<String> serviceJvmOptions() {
        return serviceJvmOptions;
    }

    List<String> coordinatorJvmOptions() {
        return coordinatorJvmOptions;
    }
}
