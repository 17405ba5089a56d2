package dev.entente.agent.instrumentation;

import java.util.List;

/**
 * The types no instrumentation can ever match, told by name alone: the agent's transformer asks this
 * before it reads anything of a class (its class file, its super types), for every class the JVM loads and,
 * at start-up, for every class already loaded. The JDK is ignored but for the few packages whose classes
 * are instrumented (executors, the HTTP client and server, {@code HttpURLConnection}); so are Entente's
 * own hook classes and libraries that hold no executor, JDBC, HTTP or annotated application code.
 * Annotated methods can be anywhere in application code, so no application package is ignored.
 */
final class IgnoredTypes {

    /** JDK packages that hold instrumented classes: checked before {@link #IGNORED}. */
    private static final List<String> INSTRUMENTED_JDK = List.of(
            "java.util.concurrent.",        // ThreadPoolExecutor, ForkJoinPool, ... (ExecutorInstrumentation)
            "jdk.internal.net.http.",       // HttpClientImpl and its executors
            "sun.net.www.protocol.http.",   // HttpURLConnection
            "sun.net.httpserver.",          // the JDK HTTP server's exchanges and executor
            "com.sun.net.httpserver.");     // its public types

    private static final List<String> IGNORED = List.of(
            "java.", "jdk.", "sun.", "com.sun.", "javax.management.", "javax.naming.", "javax.xml.", "javax.crypto.",
            "javax.security.", "javax.net.", "javax.script.", "javax.tools.", "javax.lang.model.", "org.xml.sax.",
            "org.w3c.dom.", "org.ietf.jgss.",
            "dev.entente.bootstrap.", "net.bytebuddy.",
            "kotlin.", "scala.", "groovy.", "org.codehaus.groovy.",
            "org.slf4j.", "ch.qos.logback.", "org.apache.logging.log4j.", "org.jboss.logging.",
            "com.fasterxml.jackson.", "org.yaml.snakeyaml.", "org.objectweb.asm.",
            "org.mockito."); // its inline mock maker's advice refers to a class it injects later: nothing of ours is there

    /**
     * Whether the type of this name is ignored: its binary name ({@code java.util.Map}) or its internal name
     * ({@code java/util/Map}), as the JVM hands it to a transformer, which need not be converted first.
     */
    boolean ignores(String name) {
        for (String instrumented : INSTRUMENTED_JDK) {
            if (startsWith(name, instrumented)) {
                return false;
            }
        }
        for (String ignored : IGNORED) {
            if (startsWith(name, ignored)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code name} starts with the package prefix {@code prefix} (dotted), a slash standing for a dot. */
    private static boolean startsWith(String name, String prefix) {
        if (name.length() < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            char c = name.charAt(i);
            if (c != prefix.charAt(i) && (c != '/' || prefix.charAt(i) != '.')) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "ignored by name: " + IGNORED + " but " + INSTRUMENTED_JDK;
    }
}
