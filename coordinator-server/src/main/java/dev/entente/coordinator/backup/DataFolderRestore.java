package dev.entente.coordinator.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * What {@code --restore-from} does with a node's data folder. A node whose log does not exist yet starts
 * from the backup, and a note in the data folder says which backup it was. A node that was restored from
 * this very backup before (a restart, the option still given) starts from its own log, which has moved on
 * since. Any other log is refused: a restore never overwrites a log.
 */
public final class DataFolderRestore {

    static final String NOTE = "restored-from.properties";

    private DataFolderRestore() {
    }

    /**
     * True if the node must install {@code backup} before it starts: its log in {@code dataFolder} does not
     * exist yet ({@code logExists} false). Throws, naming both, if the folder holds a log not restored from it.
     */
    public static boolean needed(SnapshotBackup backup, Path dataFolder, boolean logExists) throws IOException {
        Path note = dataFolder.resolve(NOTE);
        if (!logExists) {
            Files.createDirectories(dataFolder);
            Properties restored = new Properties();
            restored.setProperty("cluster-id", backup.clusterId());
            restored.setProperty("index", Long.toString(backup.index()));
            restored.setProperty("backup", backup.folder().toAbsolutePath().toString());
            try (OutputStream out = Files.newOutputStream(note)) {
                restored.store(out, "this node's log began at " + backup.describe());
            }
            return true;
        }
        if (Files.isRegularFile(note)) {
            Properties restored = new Properties();
            try (InputStream in = Files.newInputStream(note)) {
                restored.load(in);
            }
            if (backup.clusterId().equals(restored.getProperty("cluster-id"))
                    && Long.toString(backup.index()).equals(restored.getProperty("index"))) {
                return false;
            }
            throw new IllegalStateException("--restore-from " + backup.folder() + ": the data folder " + dataFolder
                    + " already holds a log, restored from another backup (cluster " + restored.getProperty("cluster-id")
                    + ", log index " + restored.getProperty("index") + "); a restore starts from an empty data folder");
        }
        throw new IllegalStateException("--restore-from " + backup.folder() + ": the data folder " + dataFolder
                + " already holds a log; a restore starts from an empty data folder (move this one away, or start "
                + "the node without --restore-from to keep its log)");
    }
}
