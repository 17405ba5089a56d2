package dev.entente.agent.instrumentation;

import java.io.IOException;
import java.io.InputStream;

/** Class files read as a class loader finds them, before the class is loaded. */
final class ClassFiles {

    private ClassFiles() {
    }

    /**
     * The start of the class file of {@code name} as {@code loader} (null: the boot loader) would find it, or
     * null if it finds none or what it finds is no class file.
     */
    static ClassFile find(String name, ClassLoader loader) {
        String resource = name.replace('.', '/') + ".class";
        ClassLoader finder = loader == null ? ClassLoader.getPlatformClassLoader() : loader;
        try (InputStream in = finder.getResourceAsStream(resource)) {
            return in == null ? null : ClassFile.of(in.readAllBytes());
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
    }
}
