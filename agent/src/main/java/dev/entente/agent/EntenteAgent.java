package dev.entente.agent;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The agent's entry point, the only class loaded from the agent jar by the system class loader. It
 * puts the bootstrap classes (the XID holder and the hooks) on the bootstrap class path, unpacks the
 * runtime's jars and loads them in an isolated class loader whose parent is the platform loader, so
 * the application's own gRPC, Netty, Guava or Kafka never meet ours. Uses the JDK only.
 */
public final class EntenteAgent {

    private static final String LIBRARIES = "entente-lib/";
    private static final String INSTALLER = "dev.entente.agent.AgentInstaller";

    private EntenteAgent() {
    }

    public static void premain(String arguments, Instrumentation instrumentation) {
        try {
            File agentJar = new File(EntenteAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            try (JarFile jar = new JarFile(agentJar)) {
                instrumentation.appendToBootstrapClassLoaderSearch(jar);
                ClassLoader isolated = new URLClassLoader("entente", unpackLibraries(jar, agentJar),
                        ClassLoader.getPlatformClassLoader());
                Class<?> installer = Class.forName(INSTALLER, true, isolated);
                installer.getMethod("install", String.class, Instrumentation.class).invoke(null, arguments, instrumentation);
            }
        } catch (InvocationTargetException e) {
            fail(e.getCause());
        } catch (Exception | LinkageError e) {
            fail(e);
        }
    }

    /** A bad setting (or a broken agent jar) stops the application's start-up, with the reason. */
    private static void fail(Throwable cause) {
        System.err.println("entente: the agent could not start: " + cause.getMessage());
        if (!(cause instanceof IllegalArgumentException)) {
            cause.printStackTrace();
        }
        System.exit(1);
    }

    /** Copies entente-lib/*.jar to a folder named for this agent jar (reused while the jar is unchanged). */
    private static URL[] unpackLibraries(JarFile jar, File agentJar) throws IOException {
        Path folder = Path.of(System.getProperty("java.io.tmpdir"),
                "entente-agent-" + Long.toHexString(agentJar.length() * 31 + agentJar.lastModified()));
        Files.createDirectories(folder);
        List<URL> urls = new ArrayList<>();
        Enumeration<JarEntry> entries = jar.entries();
        while (entries.hasMoreElements()) {
            JarEntry entry = entries.nextElement();
            if (entry.getName().startsWith(LIBRARIES) && entry.getName().endsWith(".jar")) {
                Path target = folder.resolve(entry.getName().substring(LIBRARIES.length()));
                if (!Files.exists(target) || Files.size(target) != entry.getSize()) {
                    Path partial = Files.createTempFile(folder, "unpack", ".part");
                    try (InputStream in = jar.getInputStream(entry)) {
                        Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                    }
                    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
                urls.add(target.toUri().toURL());
            }
        }
        if (urls.isEmpty()) {
            throw new IOException(agentJar + " holds no " + LIBRARIES + "*.jar: it is not a complete Entente agent jar");
        }
        return urls.toArray(URL[]::new);
    }
}
