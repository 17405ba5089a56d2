package dev.entente.runtime.tm;

import dev.entente.api.Propagation;
import java.util.List;

/**
 * How one method wants its global transaction: what {@code @GlobalTransactional} says on it.
 *
 * @param name             shown by the coordinator; {@code Class.method} unless given
 * @param timeoutMillis    0 for the configured default
 * @param rollbackFor      exception types that roll back even if checked
 * @param noRollbackFor    exception types that commit even if unchecked
 */
public record TransactionDefinition(String name, long timeoutMillis, Propagation propagation,
                                    List<Class<?>> rollbackFor, List<Class<?>> noRollbackFor) {

    public static TransactionDefinition required(String name) {
        return new TransactionDefinition(name, 0, Propagation.REQUIRED, List.of(), List.of());
    }

    /**
     * Whether {@code thrown} rolls the transaction back, with Spring's and JTA's rules: the most
     * specific matching entry of rollbackFor / noRollbackFor decides; failing that, unchecked
     * exceptions and errors roll back and checked exceptions commit.
     */
    public boolean rollsBackOn(Throwable thrown) {
        int rollbackDepth = closestMatch(rollbackFor, thrown.getClass());
        int commitDepth = closestMatch(noRollbackFor, thrown.getClass());
        if (rollbackDepth >= 0 || commitDepth >= 0) {
            if (commitDepth < 0) {
                return true;
            }
            return rollbackDepth >= 0 && rollbackDepth < commitDepth;
        }
        return thrown instanceof RuntimeException || thrown instanceof Error;
    }

    /** How many superclass steps from {@code type} to the nearest listed type; -1 if none is listed. */
    private static int closestMatch(List<Class<?>> listed, Class<?> type) {
        int depth = 0;
        for (Class<?> c = type; c != null; c = c.getSuperclass(), depth++) {
            for (Class<?> candidate : listed) {
                if (candidate == c) {
                    return depth;
                }
            }
        }
        return -1;
    }
}
