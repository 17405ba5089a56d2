package dev.entente.bench.seata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where module {@code peers} leaves Seata's class paths: its folder is system property
 * {@value #PEERS_DIR} (bin/entente and the build set it); each module writes {@code target/classpath.txt}.
 */
final class SeataArtifacts {

    static final String PEERS_DIR = "entente.bench.peers.dir";

    private SeataArtifacts() {
    }

    /** The class path of Seata's coordinator, {@code io.seata.server.ServerApplication}. */
    static String serverClassPath() {
        return classPath(module("seata-server"));
    }

    /** The class path of Seata's client with the benchmarks' Seata workloads. */
    static String clientClassPath() {
        Path module = module("seata-client");
        return module.resolve("target").resolve("entente-seata-client.jar") + java.io.File.pathSeparator + classPath(module);
    }

    private static Path module(String name) {
        String dir = System.getProperty(PEERS_DIR);
        if (dir == null) {
            throw new IllegalStateException("Seata's variants need system property " + PEERS_DIR
                    + " (bin/entente sets it to the checkout's peers folder)");
        }
        return Path.of(dir).resolve(name);
    }

    private static String classPath(Path module) {
        Path file = module.resolve("target").resolve("classpath.txt");
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("no class path of Seata's " + module.getFileName() + " at " + file
                    + " (build module peers: mvn -DskipTests package)", e);
        }
    }
}
