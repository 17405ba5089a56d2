package dev.entente.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * JDKs other than the one running the tests, for a test of a feature a newer Java has (virtual threads
 * from 21). Looked for in this JVM, then in the folder {@value #JDKS} (where Debian and the Temurin
 * packages install them), by the {@code release} file each JDK carries.
 */
public final class Jdks {

    private static final Path JDKS = Path.of("/usr/lib/jvm");
    private static final Pattern VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

    private Jdks() {
    }

    /** The home of a JDK of version {@code feature} or later: this JVM's if it is one, else the newest found. */
    public static Optional<Path> atLeast(int feature) {
        Path own = Path.of(System.getProperty("java.home"));
        if (Runtime.version().feature() >= feature) {
            return Optional.of(own);
        }
        if (!Files.isDirectory(JDKS)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(JDKS)) {
            return homes.filter(home -> Files.isExecutable(home.resolve("bin/java")) && version(home) >= feature)
                    .max(Comparator.comparingInt(Jdks::version));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int version(Path home) {
        try {
            Matcher version = VERSION.matcher(Files.readString(home.resolve("release")));
            return version.find() ? Integer.parseInt(version.group(1)) : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
