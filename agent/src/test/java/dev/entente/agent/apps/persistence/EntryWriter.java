package dev.entente.agent.apps.persistence;

/**
 * One database written through one persistence stack: {@link #insert} adds a row to table {@code entry}
 * in a local transaction that the stack itself begins and commits, as the stack's users write it.
 */
@FunctionalInterface
public interface EntryWriter {

    void insert(String id, String stack) throws Exception;
}
