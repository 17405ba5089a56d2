package dev.entente.agent.instrumentation;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the start of a class file says, read without parsing its fields, methods or attributes: the class's
 * name, modifiers, super class and interfaces, and the strings of its constant pool. Enough to tell, for
 * most classes the JVM loads, that no instrumentation can match them ({@link InstrumentedTypesFilter}), at a
 * fraction of the cost of the full parse Byte Buddy needs to describe a type.
 */
public final class ClassFile {

    private static final int MAGIC = 0xCAFEBABE;
    private static final int ACC_INTERFACE = 0x0200;

    private final byte[] bytes;
    /** Per constant-pool index, the offset of its entry's tag byte; 0 for the unused second slot of long and double. */
    private final int[] entries;
    private final int access;
    private final int thisClass;
    private final int superClass;
    private final int[] interfaces;
    private final URL codeSource;
    /** The binary name, made at the first call of {@link #name}: every matcher of the filter asks for it. */
    private String name;

    private ClassFile(byte[] bytes, URL codeSource) {
        this.bytes = bytes;
        this.codeSource = codeSource;
        if (bytes.length < 10 || u4(0) != MAGIC) {
            throw new IllegalArgumentException("not a class file");
        }
        int count = u2(8);
        entries = new int[count];
        int at = 10;
        for (int index = 1; index < count; index++) {
            entries[index] = at;
            int tag = bytes[at] & 0xFF;
            at += 1 + switch (tag) {
                case 1 -> 2 + u2(at + 1);                 // Utf8
                case 7, 8, 16, 19, 20 -> 2;              // Class, String, MethodType, Module, Package
                case 15 -> 3;                             // MethodHandle
                case 3, 4, 9, 10, 11, 12, 17, 18 -> 4;    // Integer, Float, refs, NameAndType, (Invoke)Dynamic
                case 5, 6 -> 8;                           // Long, Double: two slots
                default -> throw new IllegalArgumentException("constant-pool tag " + tag + " at " + at);
            };
            if (tag == 5 || tag == 6) {
                index++;
            }
        }
        access = u2(at);
        thisClass = u2(at + 2);
        superClass = u2(at + 4);
        interfaces = new int[u2(at + 6)];
        for (int i = 0; i < interfaces.length; i++) {
            interfaces[i] = u2(at + 8 + 2 * i);
        }
    }

    /** Reads the start of {@code bytes}; {@link IllegalArgumentException} or {@link IndexOutOfBoundsException} if it is no class file. */
    public static ClassFile of(byte[] bytes) {
        return new ClassFile(bytes, null);
    }

    /** Likewise, for a class file read from {@code codeSource} (a jar or folder's URL; null if not known). */
    public static ClassFile of(byte[] bytes, URL codeSource) {
        return new ClassFile(bytes, codeSource);
    }

    /** The jar or folder this class file was read from, where its super types are looked for first; null if not known. */
    public URL codeSource() {
        return codeSource;
    }

    /** The binary name ({@code java.util.Map$Entry}). */
    public String name() {
        String known = name;
        if (known == null) {
            known = className(thisClass);
            name = known;
        }
        return known;
    }

    /** The super class's binary name; null for {@code java.lang.Object} and {@code module-info}. */
    public String superName() {
        return superClass == 0 ? null : className(superClass);
    }

    public List<String> interfaceNames() {
        List<String> names = new ArrayList<>(interfaces.length);
        for (int index : interfaces) {
            names.add(className(index));
        }
        return names;
    }

    public boolean isInterface() {
        return (access & ACC_INTERFACE) != 0;
    }

    /**
     * Whether the constant pool holds the string {@code utf8} (ASCII), as it does the descriptor of every
     * annotation the class, its fields or its methods carry ({@code Ldev/entente/api/Locked;}).
     */
    public boolean mentions(byte[] utf8) {
        for (int offset : entries) {
            if (offset != 0 && bytes[offset] == 1 && u2(offset + 1) == utf8.length
                    && Arrays.equals(bytes, offset + 3, offset + 3 + utf8.length, utf8, 0, utf8.length)) {
                return true;
            }
        }
        return false;
    }

    private String className(int classIndex) {
        int nameIndex = u2(entries[classIndex] + 1);
        int offset = entries[nameIndex];
        return new String(bytes, offset + 3, u2(offset + 1), StandardCharsets.UTF_8).replace('/', '.');
    }

    private int u2(int at) {
        return ((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF);
    }

    private int u4(int at) {
        return (u2(at) << 16) | u2(at + 2);
    }
}
