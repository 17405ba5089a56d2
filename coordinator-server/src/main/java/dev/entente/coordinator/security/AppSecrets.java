package dev.entente.coordinator.security;

import dev.entente.coordinator.txn.Caller;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The applications that may use the coordinator, from the {@code --app-secrets} file: one line per
 * application with the SHA-256 (hex) of its secret and, optionally, whose transactions it may join:
 * <pre>
 * # application  sha-256 of its secret                                             joins
 * order          3f1c...e9 (64 hex digits)
 * inventory      9ab0...41                                                          joins=order
 * payment        77de...0c                                                          joins=order,inventory
 * </pre>
 * {@code joins=*} lets an application join anyone's transactions. The file is read again when it
 * changes (checked at most once a second), so applications are added and secrets rotated without a
 * restart; a changed file with an error is ignored (and logged) and the previous one stays in force.
 */
public final class AppSecrets implements Caller.Participation {

    private static final Logger LOG = LoggerFactory.getLogger(AppSecrets.class);
    public static final String OPTION = "--app-secrets";
    private static final Pattern APP = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final long RECHECK_NANOS = 1_000_000_000L;

    private record Entry(byte[] secretHash, Set<String> joins) {
    }

    private final Path file;
    private volatile Map<String, Entry> entries;
    private volatile FileTime loadedVersion;
    private volatile long checkedAtNanos = System.nanoTime();

    private AppSecrets(Path file, Map<String, Entry> entries, FileTime version) {
        this.file = file;
        this.entries = entries;
        this.loadedVersion = version;
    }

    /** Reads {@code file}; an IllegalArgumentException names the option, the file and the line at fault. */
    public static AppSecrets load(Path file) {
        try {
            FileTime version = Files.getLastModifiedTime(file);
            return new AppSecrets(file, parse(file, Files.readAllLines(file, StandardCharsets.UTF_8)), version);
        } catch (IOException e) {
            throw new IllegalArgumentException(OPTION + ": " + file + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static Map<String, Entry> parse(Path file, List<String> lines) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = OPTION + ": " + file + " line " + (i + 1);
            String[] fields = line.split("\\s+");
            if (fields.length < 2 || fields.length > 3) {
                throw new IllegalArgumentException(where + ": expected 'application sha256-of-secret [joins=app,...]'");
            }
            if (!APP.matcher(fields[0]).matches()) {
                throw new IllegalArgumentException(where + ": '" + fields[0] + "' is not an application name (1-64 letters, digits, '.', '_', '-')");
            }
            if (!SHA256.matcher(fields[1]).matches()) {
                throw new IllegalArgumentException(where + ": the second field must be the SHA-256 of "
                        + fields[0] + "'s secret, 64 hex digits (printf %s \"$SECRET\" | sha256sum)");
            }
            Set<String> joins = Set.of();
            if (fields.length == 3) {
                if (!fields[2].startsWith("joins=") || fields[2].length() == "joins=".length()) {
                    throw new IllegalArgumentException(where + ": the third field must be joins=app,app,... or joins=*");
                }
                joins = Set.of(fields[2].substring("joins=".length()).split(","));
            }
            if (entries.put(fields[0], new Entry(HexFormat.of().parseHex(fields[1].toLowerCase()), joins)) != null) {
                throw new IllegalArgumentException(where + ": application '" + fields[0] + "' appears twice");
            }
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException(OPTION + ": " + file + " names no application");
        }
        return entries;
    }

    /** True if {@code secret} is {@code app}'s. Compares digests in constant time. */
    public boolean verify(String app, String secret) {
        Entry entry = current().get(app);
        byte[] offered = sha256(secret);
        return entry != null && MessageDigest.isEqual(entry.secretHash(), offered);
    }

    @Override
    public boolean mayJoin(String app, String owner) {
        Entry entry = current().get(app);
        return entry != null && (entry.joins().contains(owner) || entry.joins().contains("*"));
    }

    public int size() {
        return current().size();
    }

    private Map<String, Entry> current() {
        long now = System.nanoTime();
        if (now - checkedAtNanos >= RECHECK_NANOS) {
            checkedAtNanos = now;
            reloadIfChanged();
        }
        return entries;
    }

    private synchronized void reloadIfChanged() {
        try {
            FileTime version = Files.getLastModifiedTime(file);
            if (version.equals(loadedVersion)) {
                return;
            }
            loadedVersion = version;
            entries = parse(file, Files.readAllLines(file, StandardCharsets.UTF_8));
            LOG.info("{} {} changed: {} applications now", OPTION, file, entries.size());
        } catch (IOException | IllegalArgumentException e) {
            LOG.error("{} changed but cannot be used; the previous version stays in force: {}", file, e.getMessage());
        }
    }

    static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
