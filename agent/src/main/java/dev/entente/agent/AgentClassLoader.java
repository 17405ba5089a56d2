package dev.entente.agent;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.security.CodeSource;
import java.security.SecureClassLoader;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads the agent's own classes and libraries (the runtime, Byte Buddy, gRPC, Netty, Kafka, ...) straight
 * from the agent jar, where the build put them under {@value #PREFIX}. Nothing is unpacked: no file is
 * written, so no other local user can plant one, and the agent works on a read-only file system. Its
 * parent is the platform loader, so the application's libraries and ours never meet; the bootstrap hook
 * classes are reached through it (they are defined in the boot loader). Multi-release classes of the
 * libraries (under {@code inst/META-INF/versions/N/}) are taken for the running Java version.
 *
 * <p>Resources come back as URLs of a protocol of its own that reads the open jar, so they do not
 * depend on the JDK's cache of {@code jar:} connections, which an application may turn off.
 */
final class AgentClassLoader extends SecureClassLoader {

    static final String PREFIX = "inst/";
    private static final String VERSIONS = PREFIX + "META-INF/versions/";

    static {
        registerAsParallelCapable();
    }

    private final JarFile jar;
    private final CodeSource codeSource;
    private final URLStreamHandler entries;
    /** The prefixes to look under for a class or resource, the highest Java version first, {@value #PREFIX} last. */
    private final List<String> prefixes;

    AgentClassLoader(File agentJar, JarFile jar) throws MalformedURLException {
        super("entente", ClassLoader.getPlatformClassLoader());
        this.jar = jar;
        this.codeSource = new CodeSource(agentJar.toURI().toURL(), (Certificate[]) null);
        this.entries = new EntryHandler();
        List<String> found = new ArrayList<>();
        for (int version = Runtime.version().feature(); version >= 9; version--) {
            if (jar.getEntry(VERSIONS + version + "/") != null) {
                found.add(VERSIONS + version + "/");
            }
        }
        found.add(PREFIX);
        this.prefixes = List.copyOf(found);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        JarEntry entry = entry(name.replace('.', '/') + ".class");
        if (entry == null) {
            throw new ClassNotFoundException(name);
        }
        byte[] bytes;
        try (InputStream in = jar.getInputStream(entry)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new ClassNotFoundException(name + ": cannot read it from the agent jar " + jar.getName(), e);
        }
        return defineClass(name, bytes, 0, bytes.length, codeSource);
    }

    @Override
    protected URL findResource(String name) {
        JarEntry entry = entry(name);
        return entry == null ? null : url(entry);
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        URL url = findResource(name);
        return url == null ? Collections.emptyEnumeration() : Collections.enumeration(List.of(url));
    }

    private JarEntry entry(String name) {
        String path = name.startsWith("/") ? name.substring(1) : name;
        for (String prefix : prefixes) {
            JarEntry entry = jar.getJarEntry(prefix + path);
            if (entry != null && !entry.isDirectory()) {
                return entry;
            }
        }
        return null;
    }

    private URL url(JarEntry entry) {
        try {
            return new URL("entente-agent", null, -1, "/" + entry.getName(), entries);
        } catch (MalformedURLException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Opens an entry of the agent jar by its path. */
    private final class EntryHandler extends URLStreamHandler {
        @Override
        protected URLConnection openConnection(URL url) {
            return new URLConnection(url) {
                @Override
                public void connect() {
                }

                @Override
                public InputStream getInputStream() throws IOException {
                    JarEntry entry = jar.getJarEntry(url.getPath().substring(1));
                    if (entry == null) {
                        throw new IOException(url + " is not in the agent jar " + jar.getName());
                    }
                    return jar.getInputStream(entry);
                }

                @Override
                public long getContentLengthLong() {
                    JarEntry entry = jar.getJarEntry(url.getPath().substring(1));
                    return entry == null ? -1 : entry.getSize();
                }
            };
        }
    }
}
