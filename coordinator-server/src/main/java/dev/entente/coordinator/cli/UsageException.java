package dev.entente.coordinator.cli;

/** A bad command line of an admin command; the message names the option or argument. Exit status 2. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
