package dev.entente.coordinator.backup;

import dev.entente.coordinator.log.TableSnapshot;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.server.storage.RaftStorageMetadata;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.util.MD5FileUtil;

/**
 * An online backup of a coordinator cluster, as {@code entente cluster snapshot} writes it: a folder with
 * the leader's snapshot of its transaction table as Ratis wrote it ({@code snapshot.TERM_INDEX}), that
 * file's MD5 ({@code snapshot.TERM_INDEX.md5}) and {@code backup.properties} (the cluster's id, the
 * snapshot's term and log index, the node it came from, when). A fresh cluster starts from it with
 * {@code --restore-from}: each node's state machine begins at the snapshot, its log empty after it.
 */
public record SnapshotBackup(Path folder, String clusterId, long term, long index, String nodeId, Instant takenAt) {

    static final String MANIFEST = "backup.properties";

    /** The snapshot file's name in the backup, as Ratis names it in a node's state machine folder. */
    public String snapshotFileName() {
        return SimpleStateMachineStorage.getSnapshotFileName(term, index);
    }

    /**
     * Writes a backup into {@code folder} (created if missing; refused if it holds anything) from the snapshot
     * read from {@code snapshot}, checked against {@code md5} (hex) before the manifest is written: a folder
     * without a manifest is no backup.
     */
    public static SnapshotBackup write(Path folder, String clusterId, long term, long index, String nodeId,
                                       InputStream snapshot, String md5) throws IOException {
        requireEmptyFolder(folder);
        Files.createDirectories(folder);
        ownerOnly(folder, "rwx------");
        SnapshotBackup backup = new SnapshotBackup(folder, clusterId, term, index, nodeId, Instant.now());
        Path file = folder.resolve(backup.snapshotFileName());
        try {
            try (OutputStream out = Files.newOutputStream(ownerOnly(Files.createFile(file), "rw-------"))) {
                snapshot.transferTo(out);
            }
            MD5Hash received = MD5FileUtil.computeMd5ForFile(file.toFile());
            if (!received.toString().equalsIgnoreCase(md5)) {
                throw new IOException("the snapshot received from node " + nodeId + " is damaged: its MD5 is " + received
                        + ", the node sent " + md5 + "; take it again");
            }
            MD5FileUtil.saveMD5File(file.toFile(), received);
            ownerOnly(MD5FileUtil.getDigestFileForFile(file.toFile()).toPath(), "rw-------");
        } catch (IOException e) {
            Files.deleteIfExists(file);
            Files.deleteIfExists(MD5FileUtil.getDigestFileForFile(file.toFile()).toPath());
            throw e;
        }
        Properties manifest = new Properties();
        manifest.setProperty("cluster-id", clusterId);
        manifest.setProperty("term", Long.toString(term));
        manifest.setProperty("index", Long.toString(index));
        manifest.setProperty("node", nodeId);
        manifest.setProperty("taken-at", backup.takenAt().toString());
        try (OutputStream out = Files.newOutputStream(ownerOnly(Files.createFile(folder.resolve(MANIFEST)), "rw-------"))) {
            manifest.store(out, "entente cluster snapshot; start a fresh cluster from it with --restore-from " + folder);
        }
        return backup;
    }

    /**
     * Readable by its owner only, where the file system has POSIX permissions: a backup holds what the data
     * folder holds (XIDs, and the messages of committed transactions not yet published).
     */
    private static Path ownerOnly(Path path, String permissions) throws IOException {
        if (Files.getFileStore(path).supportsFileAttributeView(PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        }
        return path;
    }

    /** Refuses a folder that exists and holds anything: a backup never mixes with other files. */
    public static void requireEmptyFolder(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException(folder + " exists and is not a folder; name a new or empty folder");
        }
        try (Stream<Path> entries = Files.list(folder)) {
            if (entries.findAny().isPresent()) {
                throw new IllegalArgumentException(folder + " is not empty; name a new or empty folder for the backup");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }

    /**
     * The backup in {@code folder}, checked: its manifest, and a snapshot file whose MD5 matches and that
     * holds the cluster id the manifest names. Every problem is an {@link IllegalArgumentException} naming
     * the folder.
     */
    public static SnapshotBackup read(Path folder) {
        Path manifestFile = folder.resolve(MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            throw new IllegalArgumentException(folder + " is not a backup: it has no " + MANIFEST
                    + " (entente cluster snapshot --out FOLDER writes one)");
        }
        Properties manifest = new Properties();
        try (InputStream in = Files.newInputStream(manifestFile)) {
            manifest.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + manifestFile + ": " + e.getMessage(), e);
        }
        SnapshotBackup backup;
        try {
            backup = new SnapshotBackup(folder, required(manifest, manifestFile, "cluster-id"),
                    Long.parseLong(required(manifest, manifestFile, "term")),
                    Long.parseLong(required(manifest, manifestFile, "index")),
                    required(manifest, manifestFile, "node"), Instant.parse(required(manifest, manifestFile, "taken-at")));
        } catch (RuntimeException e) {
            throw e instanceof IllegalArgumentException bad ? bad
                    : new IllegalArgumentException(manifestFile + " is damaged: " + e.getMessage(), e);
        }
        String holds = backup.table().getIdentity().getClusterId();
        if (!holds.equals(backup.clusterId())) {
            throw new IllegalArgumentException(folder + " is damaged: its snapshot holds cluster " + holds
                    + ", its manifest names cluster " + backup.clusterId());
        }
        return backup;
    }

    private static String required(Properties manifest, Path file, String key) {
        String value = manifest.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(file + " is damaged: it names no " + key);
        }
        return value.strip();
    }

    /** The transaction table the backup holds, after checking the snapshot file against its MD5. */
    public TableSnapshot table() {
        File file = folder.resolve(snapshotFileName()).toFile();
        if (!file.isFile()) {
            throw new IllegalArgumentException(folder + " is damaged: " + MANIFEST + " names the snapshot "
                    + snapshotFileName() + ", which is missing");
        }
        try {
            MD5FileUtil.verifySavedMD5(file, MD5FileUtil.readStoredMd5ForFile(file));
            try (InputStream in = Files.newInputStream(file.toPath())) {
                return TableSnapshot.parseFrom(in);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(folder + " is damaged: " + e.getMessage(), e);
        }
    }

    /**
     * Puts the backup's snapshot in the state machine folder of {@code storage}, a node's storage just
     * created, and starts the node's term at the snapshot's (a term never goes back). The node addresses
     * of the backed-up cluster are left out: the restored nodes announce their own.
     */
    public void installInto(RaftStorage storage) throws IOException {
        TableSnapshot table = table().toBuilder().clearNodes().build();
        File smFolder = storage.getStorageDir().getStateMachineDir();
        Files.createDirectories(smFolder.toPath());
        Path temporary = smFolder.toPath().resolve(snapshotFileName() + ".restoring");
        try (OutputStream out = Files.newOutputStream(temporary)) {
            table.writeTo(out);
        }
        Path file = Files.move(temporary, smFolder.toPath().resolve(snapshotFileName()), StandardCopyOption.ATOMIC_MOVE);
        MD5FileUtil.computeAndSaveMd5ForFile(file.toFile());
        storage.getMetadataFile().persist(RaftStorageMetadata.valueOf(term, null));
    }

    /** One line for logs and the command's output. */
    public String describe() {
        return "the snapshot of cluster " + clusterId + " at log index " + index + " (term " + term + "), taken from node "
                + nodeId + " at " + takenAt;
    }
}
