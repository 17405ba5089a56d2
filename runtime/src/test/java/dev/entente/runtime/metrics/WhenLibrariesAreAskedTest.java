package dev.entente.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * When the libraries are asked for: once per application class, until each has the meters; a library
 * not set up yet is asked again at the next class, one that failed is not asked again. The libraries
 * themselves are exercised with a real application in the agent's ApplicationMetersTest (this is
 * {@link ApplicationMeters}' bookkeeping alone).
 */
class WhenLibrariesAreAskedTest {

    private static final List<MeterDefinition> METERS = List.of(MeterDefinition.counter("entente.test", "a test", "1", () -> 1));

    /** Answers as it is told and remembers which class loaders it was asked with. */
    private static final class Library implements MeterExport {
        final List<ClassLoader> asked = new ArrayList<>();
        final List<Result> answers;

        Library(Result... answers) {
            this.answers = new ArrayList<>(List.of(answers));
        }

        @Override
        public String library() {
            return "a library";
        }

        @Override
        public Result register(ClassLoader loader, List<MeterDefinition> meters) throws ReflectiveOperationException {
            asked.add(loader);
            if (answers.isEmpty()) {
                throw new ClassNotFoundException("no more answers");
            }
            return answers.remove(0);
        }
    }

    @Test
    void eachClassIsOfferedOnceAndARegisteredLibraryIsNotAskedAgain() {
        Library micrometer = new Library(MeterExport.Result.ABSENT, MeterExport.Result.REGISTERED);
        ApplicationMeters meters = new ApplicationMeters(METERS, List.of(micrometer));

        meters.seen(String.class); // the boot loader's: nothing to look in
        meters.seen(WhenLibrariesAreAskedTest.class);
        meters.seen(WhenLibrariesAreAskedTest.class);
        ClassLoader other = new URLClassLoader(new URL[0], getClass().getClassLoader());
        meters.offer(other);
        meters.offer(other);

        assertThat(micrometer.asked).containsExactly(getClass().getClassLoader(), other);
    }

    @Test
    void aLibraryNotSetUpYetIsAskedAgainAndOneThatFailedIsNot() {
        Library openTelemetry = new Library(MeterExport.Result.NOT_YET, MeterExport.Result.REGISTERED);
        Library broken = new Library();
        ApplicationMeters meters = new ApplicationMeters(METERS, List.of(openTelemetry, broken));
        ClassLoader first = new URLClassLoader(new URL[0], getClass().getClassLoader());
        ClassLoader second = new URLClassLoader(new URL[0], getClass().getClassLoader());

        meters.offer(first);
        meters.offer(second);
        meters.offer(new URLClassLoader(new URL[0], getClass().getClassLoader()));

        assertThat(openTelemetry.asked).containsExactly(first, second);
        assertThat(broken.asked).containsExactly(first);
    }
}
