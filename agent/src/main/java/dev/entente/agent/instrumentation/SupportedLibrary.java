package dev.entente.agent.instrumentation;

/**
 * A library an integration supports: its name, the versions it is meant for, the version the agent's
 * tests run it at, and its Maven coordinates ({@code group:artifact}; empty for the JDK's own), by which
 * a test checks that the version named is the one tested.
 */
public record SupportedLibrary(String library, String versions, String testedWith, String artifact) {

    /** A part of the JDK, on every Java the agent runs on; tested with the JDK the build runs on. */
    public static SupportedLibrary jdk(String library) {
        return new SupportedLibrary(library, "Java 17+", "Java 17", "");
    }
}
