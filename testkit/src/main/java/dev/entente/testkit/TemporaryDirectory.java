package dev.entente.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** A fresh directory for an embedded server's (or a test's) files, and its removal. */
public final class TemporaryDirectory {

    private TemporaryDirectory() {
    }

    /** A new directory, removed when this JVM ends, however it ends ({@link OrphanReaper}), if not before. */
    public static Path create(String prefix) {
        try {
            Path directory = Files.createTempDirectory(prefix);
            OrphanReaper.removeWhenThisJvmEnds(directory);
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a temporary directory for " + prefix, e);
        }
    }

    /**
     * Best effort, and tolerant of a server process still removing its own files while this runs
     * (at JVM exit the launcher library's shutdown hook may be killing it at the same time): a file
     * that vanished or cannot be deleted is skipped, and the whole tree is tried a second time.
     */
    public static void delete(Path directory) {
        for (int attempt = 0; attempt < 2 && Files.exists(directory); attempt++) {
            try {
                Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                        deleteQuietly(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                        deleteQuietly(dir);
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException ignored) {
                // tried again, then left for the OS's temporary-file cleanup
            }
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // e.g. a directory the server wrote into meanwhile; the second pass gets it
        }
    }
}
