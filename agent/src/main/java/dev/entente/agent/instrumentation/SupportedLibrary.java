package dev.entente.agent.instrumentation;

/**
 * A library an integration supports: its name, the versions it is meant for, the version the tests run
 * it at, and its Maven coordinates ({@code group:artifact}; empty for the JDK's own), by which a test
 * checks that the version named is the one tested. The version is the one on the agent's tests' class
 * path, or, where {@code bootApp} names one of the Spring Boot shop applications ({@code boot3},
 * {@code boot4} under spring-boot-apps), the one that application runs in the starter's tests.
 */
public record SupportedLibrary(String library, String versions, String testedWith, String artifact, String bootApp) {

    /** A library the agent's own tests run. */
    public SupportedLibrary(String library, String versions, String testedWith, String artifact) {
        this(library, versions, testedWith, artifact, "");
    }

    /** A library run by the Spring Boot shop application {@code bootApp} (SpringBootStarterTest), at {@code testedWith}. */
    public static SupportedLibrary inBootApp(String bootApp, String library, String versions, String testedWith, String artifact) {
        return new SupportedLibrary(library, versions, testedWith, artifact, bootApp);
    }

    /** A part of the JDK, on every Java the agent runs on; tested with the JDK the build runs on. */
    public static SupportedLibrary jdk(String library) {
        return new SupportedLibrary(library, "Java 17+", "Java 17", "");
    }

    /**
     * What the table's "tested with" column says: the version, and, unless it runs in the agent's tests, the
     * artifact and the Boot application that runs it (which the starter's tests check against that application).
     */
    String testedWhere() {
        return bootApp.isEmpty() ? testedWith : testedWith + " (`" + artifact + "` in the Spring Boot shop `" + bootApp + "`)";
    }
}
