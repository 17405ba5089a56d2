package dev.entente.agent.instrumentation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;

/**
 * The filter in front of Byte Buddy must never drop a class an instrumentation matches. Checked on every
 * class of the libraries the agent instruments that are on this test's class path (JDBC drivers and pools,
 * Spring, Hibernate, Tomcat, Jetty, HttpClient 5, OkHttp, ...), the JDK packages with instrumented classes,
 * and this module's test apps (the annotated methods): each instrumentation's exact matcher is run on Byte
 * Buddy's description of the class, and its cheap test on the class file must say "may match" wherever
 * the exact one says "matches". The super-type answers are also checked against Byte Buddy's own {@code
 * hasSuperType}, as the filter reads them from class files (first from the jar or folder the class came from,
 * as the transformer has it do) before the exact matcher reuses them.
 */
class InstrumentedTypesFilterTest {

    private static final List<String> JDK_PACKAGES = List.of("java.base/java/util/concurrent", "java.net.http/jdk/internal/net/http",
            "java.base/sun/net/www/protocol/http", "jdk.httpserver/sun/net/httpserver", "jdk.httpserver/com/sun/net/httpserver");
    private static final List<String> LIBRARIES = List.of("postgresql", "mariadb-java-client", "HikariCP", "commons-dbcp2", "c3p0",
            "spring-jdbc", "spring-orm", "spring-tx", "spring-context", "spring-data-jpa", "hibernate-core", "mybatis", "jooq",
            "tomcat-embed-core", "jetty-", "httpclient5", "okhttp", "h2", "spring-web", "reactor-netty");

    private final ClassLoader loader = getClass().getClassLoader();
    private final List<TypeMatcher> matchers = Instrumentations.MODULES.stream()
            .flatMap(module -> module.typeInstrumentations().stream()).map(TypeInstrumentation::types).toList();

    @Test
    void noClassAnInstrumentationMatchesIsFilteredOut() throws IOException {
        List<Candidate> corpus = corpus();
        // the cheap test first, on every class, so that the super types it remembers come from class files
        List<Boolean> mayMatch = corpus.stream().map(candidate -> mayMatch(candidate)).toList();

        Map<String, Integer> matchedBy = new TreeMap<>();
        List<String> dropped = new ArrayList<>();
        List<String> wrongSuperTypes = new ArrayList<>();
        int described = 0;
        for (int i = 0; i < corpus.size(); i++) {
            Candidate candidate = corpus.get(i);
            TypeDescription type;
            try {
                type = candidate.pool().describe(candidate.name()).resolve();
                type.getSuperClass(); // optional dependencies absent from the class path: not describable, skipped
                type.getInterfaces().asErasures();
            } catch (RuntimeException | LinkageError undescribable) {
                continue;
            }
            described++;
            for (TypeMatcher matcher : matchers) {
                boolean matches;
                try {
                    matches = matcher.matches(type, candidate.loader(), null, null, null);
                    if (matcher instanceof SuperTypes.ClassesOf classesOf && matches != classesOf.reference().matches(type)) {
                        wrongSuperTypes.add(candidate.name() + " " + matcher + ": " + matches);
                    }
                } catch (RuntimeException partlyDescribable) {
                    continue;
                }
                if (matches) {
                    matchedBy.merge(matcher.toString(), 1, Integer::sum);
                    if (!mayMatch.get(i)) {
                        dropped.add(candidate.name() + " (" + matcher + ")");
                    }
                }
            }
        }
        long passed = mayMatch.stream().filter(Boolean::booleanValue).count();
        System.out.printf("%d classes read, %d described; the filter lets %d through (%.1f %%); matched: %s%n",
                corpus.size(), described, passed, 100.0 * passed / corpus.size(), matchedBy);

        assertThat(dropped).as("classes an instrumentation matches that the filter drops").isEmpty();
        assertThat(wrongSuperTypes).as("super types read from class files that Byte Buddy's hasSuperType disagrees with").isEmpty();
        assertThat(described).isGreaterThan(20_000);
        assertThat(matchedBy).as("instrumentations that matched classes of this corpus").containsKeys(
                "classes of [java.sql.Connection]", "classes of [javax.sql.DataSource]", "classes of [java.sql.Driver]",
                "classes of [java.util.concurrent.Executor]", "classes of [javax.servlet.Servlet, jakarta.servlet.Servlet]",
                "named [java.util.concurrent.ForkJoinPool]", "named [okhttp3.OkHttpClient]",
                "named [org.springframework.web.server.adapter.HttpWebHandlerAdapter]",
                "named [reactor.netty.http.server.HttpServerOperations]");
        assertThat(matchedBy.keySet()).anyMatch(name -> name.startsWith("declaring methods annotated"));
        assertThat(matchedBy.get("classes of [java.sql.Connection]")).isGreaterThan(10);
        assertThat(passed).as("classes the filter lets through").isLessThan(corpus.size() / 4);
    }

    private boolean mayMatch(Candidate candidate) {
        ClassFile classFile = ClassFile.of(candidate.bytes(), candidate.codeSource());
        return matchers.stream().anyMatch(matcher -> matcher.mayMatch(classFile, candidate.loader()));
    }

    /**
     * A class of the corpus: its bytes, the loader (null: the JDK's) and type pool it is read through, and the
     * jar or folder it came from (null: the JDK's).
     */
    private record Candidate(String name, byte[] bytes, ClassLoader loader, TypePool pool, URL codeSource) {
    }

    private List<Candidate> corpus() throws IOException {
        List<Candidate> corpus = new ArrayList<>();
        TypePool jdkPool = TypePool.Default.of(ClassFileLocator.ForClassLoader.ofPlatformLoader());
        FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
        for (String folder : JDK_PACKAGES) {
            try (Stream<Path> files = Files.walk(jrt.getPath("/modules", folder))) {
                for (Path file : files.filter(path -> path.toString().endsWith(".class")).toList()) {
                    String name = file.subpath(2, file.getNameCount()).toString().replace('/', '.').replaceAll("\\.class$", "");
                    corpus.add(new Candidate(name, Files.readAllBytes(file), null, jdkPool, null));
                }
            }
        }
        TypePool pool = TypePool.Default.of(ClassFileLocator.ForClassLoader.of(loader));
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path path = Path.of(entry);
            String file = path.getFileName().toString();
            if (file.endsWith(".jar") && LIBRARIES.stream().anyMatch(file::startsWith)) {
                readJar(path, pool, corpus);
            } else if (Files.isDirectory(path) && path.endsWith("test-classes")) {
                try (Stream<Path> files = Files.walk(path)) {
                    for (Path classFile : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                        String name = path.relativize(classFile).toString().replace('/', '.').replaceAll("\\.class$", "");
                        corpus.add(new Candidate(name, Files.readAllBytes(classFile), loader, pool, codeSource(path)));
                    }
                }
            }
        }
        return corpus;
    }

    private static URL codeSource(Path jarOrFolder) {
        try {
            return jarOrFolder.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void readJar(Path jar, TypePool pool, List<Candidate> corpus) {
        try (JarFile file = new JarFile(jar.toFile())) {
            for (JarEntry entry : file.stream().toList()) {
                String name = entry.getName();
                if (name.endsWith(".class") && !name.startsWith("META-INF/") && !name.endsWith("module-info.class")
                        && !name.endsWith("package-info.class")) {
                    try (InputStream in = file.getInputStream(entry)) {
                        corpus.add(new Candidate(name.replace('/', '.').replaceAll("\\.class$", ""), in.readAllBytes(), loader, pool,
                                codeSource(jar)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(jar.toString(), e);
        }
    }
}
