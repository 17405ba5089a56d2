package dev.entente.coordinator.admin;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * A token the admin port checks, sent as {@code Authorization: Bearer <token>} and compared in constant
 * time: the admin token, which operations changing a transaction's fate (resolve) require, or the read
 * token of the views ({@link ViewAccess}). The token itself is never logged, printed or shown in metrics:
 * only the path of the file that holds it.
 */
public final class AdminCredential {

    private static final int MIN_TOKEN_CHARS = 16;

    private final byte[] token;
    private final String source;

    private AdminCredential(byte[] token, String source) {
        this.token = token;
        this.source = source;
    }

    /** No credential: every admin operation is refused, naming {@code why}. */
    public static AdminCredential none(String why) {
        return new AdminCredential(null, why);
    }

    /** The token in {@code file} (surrounding white space ignored). */
    public static AdminCredential fromFile(File file) {
        String text;
        try {
            text = Files.readString(file.toPath(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the token file " + file, e);
        }
        if (text.length() < MIN_TOKEN_CHARS || text.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("the token in " + file + " must be at least " + MIN_TOKEN_CHARS
                    + " characters without white space");
        }
        return new AdminCredential(text.getBytes(StandardCharsets.UTF_8), file.toString());
    }

    /** A new random token written to {@code file}, readable by its owner only (the --dev default). */
    public static AdminCredential generate(Path file) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String text = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, text + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the token file " + file, e);
        }
        return new AdminCredential(text.getBytes(StandardCharsets.UTF_8), file.toString());
    }

    public boolean enabled() {
        return token != null;
    }

    /** Where the token comes from (a file path), or why there is none. Never the token. */
    public String source() {
        return source;
    }

    /** Why the request with this {@code Authorization} header may not act, or empty if it may. */
    public Optional<String> refusal(String authorization) {
        if (token == null) {
            return Optional.of("admin operations are disabled on this node: " + source);
        }
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return Optional.of("this admin operation needs the admin token: send 'Authorization: Bearer <token>' "
                    + "(entente tx: --admin-token-file or ENTENTE_ADMIN_TOKEN_FILE)");
        }
        if (!matches(authorization)) {
            return Optional.of("the admin token does not match the one this node was started with");
        }
        return Optional.empty();
    }

    /** True if this credential exists and {@code authorization} is {@code Bearer <its token>} (constant time). */
    public boolean matches(String authorization) {
        if (token == null || authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(authorization.substring("Bearer ".length()).strip().getBytes(StandardCharsets.UTF_8), token);
    }

    @Override
    public String toString() {
        return "token from " + source; // never the token
    }
}
