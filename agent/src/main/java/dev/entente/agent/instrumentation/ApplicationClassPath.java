package dev.entente.agent.instrumentation;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where the JDK's application class loader finds a class outside the JDK: the first entry of {@code
 * java.class.path} (jars and folders, in order) that holds its class file. Asking the loader instead costs a
 * search of the boot and platform loaders' modules first (its parents), then a {@code jar:} URL: on a
 * Spring Boot app started with {@code -cp}, most of the class-file filter's remaining time. Only for that
 * loader (a custom system class loader or any other loader is asked as usual), only for packages no module
 * of the boot layer holds, and a class found nowhere here is still looked for through the loader (the jars a
 * jar's manifest {@code Class-Path} adds, say).
 */
final class ApplicationClassPath {

    private static final ApplicationClassPath OF_THIS_JVM = new ApplicationClassPath(
            ClassLoader.getSystemClassLoader().getClass().getName().equals("jdk.internal.loader.ClassLoaders$AppClassLoader")
                    ? ClassLoader.getSystemClassLoader() : null,
            System.getProperty("java.class.path", ""));

    /** The loader whose class path this is; null if the system class loader is not the JDK's own. */
    private final ClassLoader applicationLoader;
    private final List<URL> entries;
    private volatile Set<String> modulePackages;

    ApplicationClassPath(ClassLoader applicationLoader, String classPath) {
        this.applicationLoader = applicationLoader;
        this.entries = applicationLoader == null ? List.of() : parse(classPath);
    }

    static ApplicationClassPath ofThisJvm() {
        return OF_THIS_JVM;
    }

    /**
     * The class file ({@code a/b/C.class}) of the class named {@code name} that {@code loader} would find, and
     * the class-path entry it is in; null if that cannot be told this way.
     */
    Found find(String name, String resource, ClassLoader loader) {
        if (applicationLoader == null || loader != applicationLoader || inModule(name)) {
            return null;
        }
        for (URL entry : entries) {
            byte[] bytes = CodeSources.local().read(entry, resource);
            if (bytes != null) {
                return new Found(bytes, entry);
            }
        }
        return null;
    }

    /** A class file and the class-path entry it was found in. */
    record Found(byte[] bytes, URL entry) {
    }

    private boolean inModule(String name) {
        Set<String> packages = modulePackages;
        if (packages == null) {
            Set<String> all = new HashSet<>(); // no stream: this runs inside a class-file transformation, early in a JVM's start
            for (Module module : ModuleLayer.boot().modules()) {
                all.addAll(module.getPackages());
            }
            packages = Set.copyOf(all);
            modulePackages = packages;
        }
        int end = name.lastIndexOf('.');
        return end < 0 || packages.contains(name.substring(0, end));
    }

    /** The entries of a class path as the code sources' URLs ({@code file:/x.jar}, a folder's ending in a slash). */
    static List<URL> parse(String classPath) {
        List<URL> urls = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            try {
                urls.add(Path.of(entry.isEmpty() ? "." : entry).toAbsolutePath().toUri().toURL()); // the JDK reads "" as "."
            } catch (MalformedURLException | RuntimeException unusable) {
                // the loader cannot use it either
            }
        }
        return List.copyOf(urls);
    }
}
