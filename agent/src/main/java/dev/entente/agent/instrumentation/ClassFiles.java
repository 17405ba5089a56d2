package dev.entente.agent.instrumentation;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;

/** Class files read as a class loader finds them, before the class is loaded. */
final class ClassFiles {

    private ClassFiles() {
    }

    /**
     * The start of the class file of {@code name} as {@code loader} (null: the boot loader) would find it, or
     * null if it finds none or what it finds is no class file.
     */
    static ClassFile find(String name, ClassLoader loader) {
        return find(name, loader, null);
    }

    /**
     * Likewise, looked for first in {@code beside} (the code source of a class that names it as a super type;
     * null: none), then where the application class loader would find it ({@link ApplicationClassPath}), then
     * through the loader. The class file keeps the code source it was found in, if known. Where
     * the loader finds it in a local jar, the file is read from that jar as {@link CodeSources} keeps it open,
     * not through the {@code jar:} URL's connection.
     */
    static ClassFile find(String name, ClassLoader loader, URL beside) {
        String resource = name.replace('.', '/') + ".class";
        byte[] local = CodeSources.local().read(beside, resource);
        if (local != null) {
            return parse(local, beside);
        }
        ApplicationClassPath.Found onClassPath = ApplicationClassPath.ofThisJvm().find(name, resource, loader);
        if (onClassPath != null) {
            return parse(onClassPath.bytes(), onClassPath.entry());
        }
        ClassLoader finder = loader == null ? ClassLoader.getPlatformClassLoader() : loader;
        try {
            URL found = finder.getResource(resource);
            if (found == null) {
                return null;
            }
            URL codeSource = codeSourceOf(found, resource);
            byte[] inJar = CodeSources.local().read(codeSource, resource); // the jar the loader points to, opened once
            if (inJar != null) {
                return parse(inJar, codeSource);
            }
            try (InputStream in = found.openStream()) {
                return parse(in.readAllBytes(), codeSource);
            }
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
    }

    private static ClassFile parse(byte[] bytes, URL codeSource) {
        try {
            return ClassFile.of(bytes, codeSource);
        } catch (RuntimeException notAClassFile) {
            return null;
        }
    }

    /** The jar or folder of a resource's URL ({@code jar:file:/x.jar!/a/B.class}: {@code file:/x.jar}); null for others. */
    private static URL codeSourceOf(URL resourceUrl, String resource) {
        String url = resourceUrl.toString();
        try {
            if (url.startsWith("jar:file:") && url.endsWith("!/" + resource) && url.indexOf("!/") == url.length() - resource.length() - 2) {
                return new URL(url.substring("jar:".length(), url.length() - resource.length() - 2));
            }
            if (url.startsWith("file:") && url.endsWith("/" + resource)) {
                return new URL(url.substring(0, url.length() - resource.length()));
            }
        } catch (java.net.MalformedURLException unexpected) {
            return null;
        }
        return null;
    }
}
