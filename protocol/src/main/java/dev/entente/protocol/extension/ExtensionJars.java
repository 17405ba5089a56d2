package dev.entente.protocol.extension;

import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Extensions an operator names: jar files holding implementations of one of Entente's extension
 * interfaces (the runtime's {@code XaResourceWrapper}, the coordinator's {@code PublishInterceptor}),
 * found with {@link ServiceLoader} ({@code META-INF/services/<interface>} in the jar). Only the jars
 * named are searched, never the class path: an extension can change what Entente believes a database
 * or Kafka did, so nothing runs that was not asked for by name. Every failure is an
 * {@link IllegalArgumentException} naming the setting or option that gave the jars.
 */
public final class ExtensionJars {

    private ExtensionJars() {
    }

    /**
     * Parses a comma-separated list of jar files; blank means none.
     *
     * @param setting names the setting or option in error messages ("agent argument extensions")
     */
    public static List<Path> parse(String setting, String list) {
        List<Path> jars = new ArrayList<>();
        if (list == null || list.isBlank()) {
            return jars;
        }
        for (String entry : list.split(",")) {
            Path jar = Path.of(entry.trim()).toAbsolutePath();
            if (!Files.isRegularFile(jar) || !Files.isReadable(jar)) {
                throw new IllegalArgumentException(setting + ": " + jar + " is not a readable jar file");
            }
            jars.add(jar);
        }
        return jars;
    }

    /**
     * The implementations of {@code type} in {@code jars}, in the order the jars are named, each a new
     * instance. The jars' classes see {@code type}'s class loader and nothing else of the caller's.
     *
     * @param setting names the setting or option in error messages
     */
    public static <T> List<T> load(Class<T> type, List<Path> jars, String setting) {
        if (jars.isEmpty()) {
            return List.of();
        }
        URLClassLoader loader = new URLClassLoader("entente-extensions", urls(jars), type.getClassLoader());
        List<T> found = new ArrayList<>();
        try {
            for (ServiceLoader.Provider<T> provider : ServiceLoader.load(type, loader).stream().toList()) {
                if (provider.type().getClassLoader() == loader) { // not one the parent loaders can see
                    found.add(provider.get());
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalArgumentException(setting + ": cannot load a " + type.getName() + " from " + jars + ": "
                    + e.getMessage(), e);
        }
        return found;
    }

    private static URL[] urls(List<Path> jars) {
        List<URL> urls = new ArrayList<>();
        for (Path jar : jars) {
            try {
                urls.add(jar.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException(jar + " cannot be named by a URL", e);
            }
        }
        return urls.toArray(URL[]::new);
    }
}
