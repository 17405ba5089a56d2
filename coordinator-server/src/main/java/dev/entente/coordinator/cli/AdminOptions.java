package dev.entente.coordinator.cli;

import dev.entente.options.CommandOption;
import dev.entente.options.GivenOptions;
import dev.entente.protocol.tls.PemFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * How {@code entente tx} and {@code entente cluster} reach a cluster's admin ports: the addresses, the
 * tokens and the authority of the nodes' certificates, declared once for both commands' option tables.
 */
final class AdminOptions {

    static final CommandOption ADMIN = new CommandOption("admin", "H:P,...", "127.0.0.1:7071",
            "admin addresses of one or more coordinator nodes; the command asks them in turn which node leads and "
                    + "talks to the leader (during an election, up to 15 s until one leads)");
    static final CommandOption ADMIN_TOKEN_FILE = new CommandOption("admin-token-file", "F", "",
            "the file holding the admin token, needed by tx resolve and every cluster command (tx list and show take it too)");
    static final CommandOption ADMIN_READ_TOKEN_FILE = new CommandOption("admin-read-token-file", "F", "",
            "the file holding the read token of the admin ports' views, needed by list and show unless the admin token "
                    + "is given or the nodes run --admin-open-views (--dev writes it to DATA-DIR/admin-read-token)");
    static final CommandOption TLS_CA = new CommandOption("tls-ca", "F", "",
            "the authority (PEM) that signed the nodes' certificates: the admin ports of nodes with TLS material speak "
                    + "HTTPS, and the command trusts the certificates it signed");

    private AdminOptions() {
    }

    /** A client of the admin ports {@code --admin} names, sending the admin token only if {@code acting}. */
    static AdminClient client(GivenOptions given, boolean acting) {
        List<String> addresses = Arrays.stream(given.valueOrDefault(ADMIN).split(",")).map(String::trim)
                .filter(a -> !a.isEmpty()).toList();
        if (addresses.isEmpty()) {
            throw new UsageException("--admin: name at least one host:port");
        }
        Optional<String> adminToken = given.value(ADMIN_TOKEN_FILE).filter(file -> !file.isBlank())
                .map(file -> token(ADMIN_TOKEN_FILE, file));
        Optional<String> readToken = given.value(ADMIN_READ_TOKEN_FILE).map(file -> token(ADMIN_READ_TOKEN_FILE, file))
                .or(() -> adminToken);
        return new AdminClient(addresses, readToken, acting ? adminToken : Optional.empty(),
                given.value(TLS_CA).map(AdminOptions::trusting));
    }

    /** Refuses, as a bad command line, an operation that needs the admin token when none is given. */
    static void requireAdminToken(GivenOptions given, String operation) {
        if (given.value(ADMIN_TOKEN_FILE).filter(file -> !file.isBlank()).isEmpty()) {
            throw new UsageException(operation + " needs the admin token: give --admin-token-file F or set "
                    + "ENTENTE_ADMIN_TOKEN_FILE (--dev writes it to DATA-DIR/admin-token)");
        }
    }

    private static String token(CommandOption option, String file) {
        try {
            String token = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            if (token.isEmpty()) {
                throw new UsageException(option.flag() + ": " + file + " is empty");
            }
            return token;
        } catch (IOException e) {
            throw new UsageException(option.flag() + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** HTTPS that trusts the certificates the authority in {@code caFile} signed. */
    private static SSLContext trusting(String caFile) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {PemFiles.trustManager(TLS_CA.flag(), Path.of(caFile))}, null);
            return context;
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new UsageException(TLS_CA.flag() + ": " + caFile + " (" + e.getMessage() + ")");
        }
    }
}
