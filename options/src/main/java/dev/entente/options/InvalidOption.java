package dev.entente.options;

/** Bad command-line, environment or configuration-file input; the message names the option and where it was given. */
public final class InvalidOption extends RuntimeException {

    public InvalidOption(String message) {
        super(message);
    }
}
