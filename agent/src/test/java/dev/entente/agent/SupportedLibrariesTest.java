package dev.entente.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entente.agent.instrumentation.InstrumentationModule;
import dev.entente.agent.instrumentation.Instrumentations;
import dev.entente.agent.instrumentation.SupportedLibrariesTable;
import dev.entente.agent.instrumentation.SupportedLibrary;
import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.options.DocsTable;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The integrations' declarations and what the docs and the build say of them: docs/configuration.md's
 * supported-libraries table is the one their declarations make, each version named as tested is the
 * one on the tests' class path (or, for a library a Spring Boot shop application runs, on that application's:
 * spring-boot-tests' SupportedLibrariesInBootAppsTest), and every type instrumentation belongs to exactly one integration.
 */
class SupportedLibrariesTest {

    private static final Path CONFIGURATION = Path.of("..", "docs", "configuration.md");

    @Test
    void theDocsTableIsTheOneTheDeclarationsMake() throws IOException {
        assertThat(DocsTable.section(CONFIGURATION, "supported libraries; SupportedLibrariesTest keeps it so"))
                .as("regenerate the table in docs/configuration.md from SupportedLibrariesTable.markdown")
                .isEqualTo(SupportedLibrariesTable.markdown(Instrumentations.MODULES));
    }

    @Test
    void eachVersionNamedAsTestedIsTheOneTheTestsRun() {
        for (InstrumentationModule module : Instrumentations.MODULES) {
            for (SupportedLibrary library : module.supportedLibraries()) {
                if (library.artifact().isEmpty() || !library.bootApp().isEmpty()) {
                    continue; // the JDK's; or run by a Boot application: SupportedLibrariesInBootAppsTest checks those
                }
                assertThat(library.testedWith()).as(library.library())
                        .endsWith(versionOnTheClassPath(library.artifact()).orElseThrow(() -> new AssertionError(
                                library.artifact() + " of integration " + module.name() + " is not on the tests' class path")));
            }
        }
    }

    @Test
    void everyTypeInstrumentationBelongsToExactlyOneIntegration() throws IOException {
        Set<String> declared = Instrumentations.MODULES.stream().flatMap(module -> module.typeInstrumentations().stream())
                .map(type -> type.getClass().getName()).collect(Collectors.toSet());
        assertThat(Instrumentations.MODULES.stream().mapToLong(module -> module.typeInstrumentations().size()).sum())
                .isEqualTo(declared.size());
        assertThat(declared).containsExactlyInAnyOrderElementsOf(typeInstrumentationsInTheAgent());
        assertThat(Instrumentations.MODULES.stream().map(InstrumentationModule::name).distinct().count())
                .isEqualTo(Instrumentations.MODULES.size());
    }

    /** The version directory of {@code group:artifact} in the local repository path of its jar on the class path. */
    private static Optional<String> versionOnTheClassPath(String artifact) {
        String[] parts = artifact.split(":");
        String directory = "/" + parts[0].replace('.', '/') + "/" + parts[1] + "/";
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> entry.contains(directory))
                .map(entry -> entry.substring(entry.indexOf(directory) + directory.length()).split("/")[0])
                .findFirst();
    }

    private static Set<String> typeInstrumentationsInTheAgent() throws IOException {
        Path classes = Path.of("target", "classes");
        try (Stream<Path> files = Files.walk(classes.resolve("dev/entente/agent/instrumentation"))) {
            return files.map(file -> classes.relativize(file).toString()).filter(name -> name.endsWith(".class"))
                    .map(name -> name.substring(0, name.length() - ".class".length()).replace(File.separatorChar, '.'))
                    .filter(SupportedLibrariesTest::isTypeInstrumentation).collect(Collectors.toSet());
        }
    }

    private static boolean isTypeInstrumentation(String className) {
        try {
            Class<?> type = Class.forName(className, false, SupportedLibrariesTest.class.getClassLoader());
            return TypeInstrumentation.class.isAssignableFrom(type) && !type.isInterface();
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }
}
