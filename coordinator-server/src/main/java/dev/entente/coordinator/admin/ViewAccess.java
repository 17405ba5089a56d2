package dev.entente.coordinator.admin;

import java.util.Optional;

/**
 * Who may read the admin port's views ({@code /cluster}, {@code /transactions}, {@code /transactions/XID},
 * {@code /metrics}): whoever sends the read token or the admin token, or, on a node started with
 * {@code --admin-open-views}, anyone who reaches the port. The console's own files and the health probes
 * need no credential: they show nothing of the transactions.
 */
public final class ViewAccess {

    private final boolean open;
    private final AdminCredential read;
    private final AdminCredential admin;

    private ViewAccess(boolean open, AdminCredential read, AdminCredential admin) {
        this.open = open;
        this.read = read;
        this.admin = admin;
    }

    /** Views open to anyone who reaches the port ({@code --admin-open-views}). */
    public static ViewAccess open() {
        return new ViewAccess(true, AdminCredential.none("the views are open"), AdminCredential.none("the views are open"));
    }

    /** Views for holders of {@code read} or {@code admin}. */
    public static ViewAccess tokens(AdminCredential read, AdminCredential admin) {
        return new ViewAccess(false, read, admin);
    }

    public boolean isOpen() {
        return open;
    }

    /** True if no credential could ever read the views (the node has neither token and is not open). */
    public boolean closed() {
        return !open && !read.enabled() && !admin.enabled();
    }

    /** Why a request with this {@code Authorization} header may not read the views, or empty if it may. */
    public Optional<String> refusal(String authorization) {
        if (open || read.matches(authorization) || admin.matches(authorization)) {
            return Optional.empty();
        }
        if (closed()) {
            return Optional.of("the views of this node are closed: it was started without --admin-read-token-file, "
                    + "--admin-token-file or --admin-open-views");
        }
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return Optional.of("this view needs the read token (or the admin token): send 'Authorization: Bearer <token>' "
                    + "(entente tx: --admin-read-token-file or ENTENTE_ADMIN_READ_TOKEN_FILE; the console: enter it under Token)");
        }
        return Optional.of("the token matches neither the read token nor the admin token this node was started with");
    }

    /** Where the read token comes from, for the start-up line; never a token. */
    public String describe() {
        if (open) {
            return "open to whoever reaches the port (--admin-open-views)";
        }
        if (closed()) {
            return "closed: " + read.source();
        }
        if (!read.enabled()) {
            return "need the admin token";
        }
        return "need the read token in " + read.source() + (admin.enabled() ? " or the admin token" : "");
    }
}
