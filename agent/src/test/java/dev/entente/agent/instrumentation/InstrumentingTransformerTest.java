package dev.entente.agent.instrumentation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entente.bootstrap.Hooks;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The agent's transformer on real class files, as the JVM hands them over while it loads them: the JDK's
 * executors come back with the executor advice woven in; classes no instrumentation matches come back
 * untouched, without Byte Buddy's weaver being made; of the classes loaded before the agent, only those the
 * filter lets through are retransformed; a class file that cannot be read is loaded as it is. (The woven
 * classes at work, in applications with the agent attached: {@code HandOffTest} and the other agent tests.)
 */
class InstrumentingTransformerTest {

    private static final byte[] HOOK = "dev/entente/bootstrap/TransactionContext".getBytes(StandardCharsets.US_ASCII);

    private final List<TypeInstrumentation> all = Instrumentations.MODULES.stream()
            .flatMap(module -> module.typeInstrumentations().stream()).toList();

    @Test
    void theJdksExecutorsComeBackWithTheExecutorAdviceWovenIn() throws IOException {
        InstrumentingTransformer transformer = transformer();

        for (String type : List.of("java/util/concurrent/ThreadPoolExecutor", "java/util/concurrent/ScheduledThreadPoolExecutor",
                "java/util/concurrent/ForkJoinPool")) {
            byte[] original = jdkClassFile("java.base", type);

            byte[] woven = transformer.transform(null, null, type, null, null, original);

            assertThat(woven).as(type).isNotNull();
            assertThat(ClassFile.of(original).mentions(HOOK)).isFalse();
            assertThat(ClassFile.of(woven).mentions(HOOK)).as(type + ", woven, calls the hook classes").isTrue();
            assertThat(ClassFile.of(woven).name()).isEqualTo(type.replace('/', '.'));
        }
    }

    @Test
    void ofTheClassesLoadedBeforeTheAgentOnlyThoseTheFilterLetsThroughAreRetransformed() {
        InstrumentingTransformer transformer = transformer();

        assertThat(transformer.mayNeedWeaving(java.util.concurrent.ThreadPoolExecutor.class)).isTrue();
        assertThat(transformer.mayNeedWeaving(java.util.concurrent.ForkJoinPool.class)).isTrue();
        assertThat(transformer.mayNeedWeaving(java.util.concurrent.ConcurrentHashMap.class)).isFalse();
        assertThat(transformer.mayNeedWeaving(String.class)).isFalse();
        assertThat(transformer.mayNeedWeaving(int.class)).isFalse();
        assertThat(transformer.mayNeedWeaving(String[].class)).isFalse();
        assertThat(transformer.weaverMade()).as("no class was woven").isFalse();
    }

    @Test
    void classesNoInstrumentationMatchesComeBackUntouchedAndByteBuddyIsNotNeeded() throws IOException {
        InstrumentingTransformer transformer = transformer();

        for (String type : List.of("java/util/concurrent/ConcurrentHashMap", "java/util/concurrent/locks/ReentrantLock")) {
            assertThat(transformer.transform(null, null, type, null, null, jdkClassFile("java.base", type))).as(type).isNull();
        }
        for (Class<?> application : List.of(org.assertj.core.api.Assertions.class, InstrumentingTransformerTest.class)) {
            String type = application.getName().replace('.', '/');
            ClassLoader loader = applicationLoaderOf(application);
            byte[] classFile = loader.getResourceAsStream(type + ".class").readAllBytes();
            assertThat(transformer.transform(null, loader, type, null, null, classFile)).as(type).isNull();
        }
        assertThat(transformer.weaverMade()).isFalse();
    }

    @Test
    void aClassFileThatCannotBeReadIsLoadedAsItIs() {
        InstrumentingTransformer transformer = transformer();
        byte[] broken = {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 61, 0, 9};

        assertThat(transformer.transform(null, new URLClassLoader(new URL[0], null), "com/example/Broken", null, null, broken)).isNull();
        assertThat(transformer.weaverMade()).as("the filter could not tell: the weaver tried, failed and said so").isTrue();
    }

    /**
     * A loader of {@code type}'s jar or folder other than the one the agent's classes came from here (the test's
     * own), as an application's loader is: the transformer leaves the agent's own loader alone.
     */
    private static ClassLoader applicationLoaderOf(Class<?> type) {
        return new URLClassLoader(new URL[] {type.getProtectionDomain().getCodeSource().getLocation()}, null);
    }

    private InstrumentingTransformer transformer() {
        return new InstrumentingTransformer(null, all, Hooks.class.getModule(), false);
    }

    private static byte[] jdkClassFile(String module, String type) throws IOException {
        return Files.readAllBytes(FileSystems.getFileSystem(URI.create("jrt:/")).getPath("/modules", module, type + ".class"));
    }
}
