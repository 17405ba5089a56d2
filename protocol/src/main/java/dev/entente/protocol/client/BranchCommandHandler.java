package dev.entente.protocol.client;

import dev.entente.protocol.BranchCommand;

/** Carries out a phase-2 command the coordinator pushed down an {@link RmSession}. */
@FunctionalInterface
public interface BranchCommandHandler {

    /**
     * Commits or rolls back the branch named by {@code command}. Returning normally acknowledges the
     * command (a branch already finished counts as done, when the branch's own database says so);
     * throwing makes the coordinator retry later, {@link WrongDatabaseException} showing the branch in
     * doubt for that reason.
     */
    void execute(BranchCommand command) throws Exception;
}
