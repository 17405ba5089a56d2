package dev.entente.agent;

import java.io.File;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;

/**
 * The agent's entry point, loaded with {@link AgentClassLoader} from the agent jar by the system class
 * loader (the only two classes it loads from there). It reads the hook classes (the nested {@value #BOOT}) and has
 * them defined in the boot loader, then hands over to {@code AgentInstaller} in the agent's own class
 * loader, whose parent is the platform loader, so the application's own gRPC, Netty, Guava or Kafka
 * never meet ours. With the kill switch off ({@code -Dentente.javaagent.enabled=false}) it stops before any
 * of that: no class is defined in the boot loader, nothing is instrumented, no thread starts. Uses the JDK only. How the jar is laid out: {@code src/main/assembly/agent.xml}.
 */
public final class EntenteAgent {

    private static final String BOOT = "entente-bootstrap.jar";
    private static final String BOOTSTRAP_CLASSES = "dev.entente.agent.BootstrapClasses";
    private static final String INSTALLER = "dev.entente.agent.AgentInstaller";
    /** Reads the kill switch, before anything is installed; JDK types only. */
    private static final String SETTINGS = "dev.entente.runtime.SettingSources";

    private EntenteAgent() {
    }

    public static void premain(String arguments, Instrumentation instrumentation) {
        try {
            File agentJar = new File(EntenteAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // stays open for the life of the JVM: the agent's classes and resources are read from it
            JarFile jar = new JarFile(agentJar, false);
            ClassLoader agent = new AgentClassLoader(agentJar, jar);
            if (!(Boolean) Class.forName(SETTINGS, true, agent).getMethod("agentEnabled", String.class).invoke(null, arguments)) {
                System.err.println("entente: the agent is off (setting javaagent.enabled=false): it installs nothing");
                jar.close();
                return;
            }
            Map<String, byte[]> hooks = bootClasses(jar, agentJar);
            Class.forName(BOOTSTRAP_CLASSES, true, agent).getMethod("define", Instrumentation.class, Map.class)
                    .invoke(null, instrumentation, hooks);
            Class<?> installer = Class.forName(INSTALLER, true, agent);
            installer.getMethod("install", String.class, Instrumentation.class).invoke(null, arguments, instrumentation);
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

    /** The class files of the nested {@value #BOOT}, by binary name. */
    private static Map<String, byte[]> bootClasses(JarFile jar, File agentJar) throws IOException {
        JarEntry nested = jar.getJarEntry(BOOT);
        if (nested == null) {
            throw new IOException(agentJar + " holds no " + BOOT + ": it is not a complete Entente agent jar");
        }
        Map<String, byte[]> classes = new LinkedHashMap<>();
        try (JarInputStream in = new JarInputStream(jar.getInputStream(nested))) {
            for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                String name = entry.getName();
                if (name.endsWith(".class") && !name.endsWith("module-info.class")) {
                    classes.put(name.substring(0, name.length() - ".class".length()).replace('/', '.'), in.readAllBytes());
                }
            }
        }
        return classes;
    }
}
