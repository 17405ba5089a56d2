package dev.entente.agent.instrumentation;

import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * The classes an instrumentation applies to, told twice: exactly, by Byte Buddy from the type's description
 * ({@link #matches}), and first, cheaply, from the start of the class file ({@link #mayMatch}), which must
 * never say no to a class {@link #matches} accepts. Byte Buddy only describes the classes some
 * instrumentation may match ({@link InstrumentedTypesFilter}).
 */
public interface TypeMatcher extends AgentBuilder.RawMatcher {

    /** False only if {@link #matches} is false for the class of {@code classFile} as {@code loader} defines it. */
    boolean mayMatch(ClassFile classFile, ClassLoader loader);
}
