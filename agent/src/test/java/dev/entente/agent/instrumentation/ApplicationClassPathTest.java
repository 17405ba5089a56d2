package dev.entente.agent.instrumentation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Class files found where the application class loader finds them: the first class-path entry that holds
 * them, in order; never for a JDK class or another loader.
 */
class ApplicationClassPathTest {

    private final ClassLoader application = new URLClassLoader(new URL[0], null); // stands for the JVM's application loader

    @Test
    void aClassIsReadFromTheFirstEntryThatHoldsIt(@TempDir Path folder) throws Exception {
        String postgres = jarOf(org.postgresql.Driver.class);
        String assertj = jarOf(org.assertj.core.api.Assertions.class);
        ApplicationClassPath classPath = new ApplicationClassPath(application, assertj + File.pathSeparator + postgres);

        ApplicationClassPath.Found driver = classPath.find("org.postgresql.Driver", "org/postgresql/Driver.class", application);

        assertThat(driver).isNotNull();
        assertThat(ClassFile.of(driver.bytes()).name()).isEqualTo("org.postgresql.Driver");
        assertThat(driver.entry()).isEqualTo(Path.of(postgres).toUri().toURL());

        // a copy of the class in a folder ahead of the jar is the one the loader would find
        Path copy = folder.resolve("org/postgresql/Driver.class");
        Files.createDirectories(copy.getParent());
        try (InputStream in = org.postgresql.Driver.class.getResourceAsStream("Driver.class")) {
            Files.write(copy, in.readAllBytes());
        }
        ApplicationClassPath folderFirst = new ApplicationClassPath(application, folder + File.pathSeparator + postgres);
        assertThat(folderFirst.find("org.postgresql.Driver", "org/postgresql/Driver.class", application).entry())
                .isEqualTo(folder.toUri().toURL());
    }

    @Test
    void jdkClassesOtherLoadersAndClassesOnNoEntryAreLeftToTheLoader() throws Exception {
        ApplicationClassPath classPath = new ApplicationClassPath(application, jarOf(org.postgresql.Driver.class));

        assertThat(classPath.find("java.util.concurrent.ThreadPoolExecutor", "java/util/concurrent/ThreadPoolExecutor.class", application))
                .as("a class of the JDK's modules").isNull();
        assertThat(classPath.find("org.postgresql.Driver", "org/postgresql/Driver.class", new URLClassLoader(new URL[0], null)))
                .as("another loader").isNull();
        assertThat(classPath.find("org.postgresql.Driver", "org/postgresql/Driver.class", null)).as("the boot loader").isNull();
        assertThat(classPath.find("org.assertj.core.api.Assertions", "org/assertj/core/api/Assertions.class", application))
                .as("on no entry").isNull();
        assertThat(new ApplicationClassPath(null, jarOf(org.postgresql.Driver.class))
                .find("org.postgresql.Driver", "org/postgresql/Driver.class", null)).as("no JDK application loader").isNull();
    }

    private static String jarOf(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
