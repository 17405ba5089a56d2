package dev.entente.chaos;

import dev.entente.options.InvalidOption;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The deliberate bugs {@code --planted-bug} can turn on, each to show that the checker catches what it
 * breaks. Each is an extension (package {@code dev.entente.chaos.planted}, built into
 * {@code entente-chaos-planted-bugs.jar}) that the suite names in the extensions of the processes it
 * breaks: the product's own jars hold no planted bug.
 */
enum PlantedBug {

    /** None: the product as built. */
    NONE("none", false, false),
    /** Account services' branches commit where they should prepare, without asking the coordinator. */
    COMMIT_WITHOUT_ASKING("commit-without-asking", true, false),
    /** The coordinator sends every message of a committed transaction twice. */
    PUBLISH_TWICE("publish-twice", false, true);

    private final String option;
    private final boolean inAccountServices;
    private final boolean inCoordinators;

    PlantedBug(String option, boolean inAccountServices, boolean inCoordinators) {
        this.option = option;
        this.inAccountServices = inAccountServices;
        this.inCoordinators = inCoordinators;
    }

    /** The bug {@code --planted-bug NAME} names, or throws naming {@code source} (where it was given) and the ones there are. */
    static PlantedBug named(String source, String name) {
        return Arrays.stream(values()).filter(bug -> bug != NONE && bug.option.equals(name)).findFirst()
                .orElseThrow(() -> new InvalidOption(source + ": expected one of " + names() + ", got '" + name + "'"));
    }

    static String names() {
        return Arrays.stream(values()).filter(bug -> bug != NONE).map(bug -> bug.option).collect(Collectors.joining(", "));
    }

    String option() {
        return option;
    }

    /** Agent settings that load this bug into an account service: {@code ",extensions=JAR"}, or none. */
    String accountServiceSettings() {
        return inAccountServices ? ",extensions=" + jar() : "";
    }

    /** Coordinator options that load this bug into a node: {@code --extensions JAR}, or none. */
    List<String> coordinatorArgs() {
        return inCoordinators ? List.of("--extensions", jar()) : List.of();
    }

    private static String jar() {
        return BankServices.file("entente.chaos.planted-bugs.jar", "chaos/target/entente-chaos-planted-bugs.jar");
    }
}
