package dev.entente.options;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An option table as a docs page holds it: between {@code <!-- MARKER; OptionSourcesTest keeps it so -->}
 * (or the name of another test that checks it) and {@code <!-- end of options -->}. Tests read the
 * section back and compare it with {@link OptionTable#markdown()}, so the docs cannot drift from the parser.
 */
public final class DocsTable {

    public static final String END = "<!-- end of options -->";

    private DocsTable() {
    }

    /** The text between the line {@code <!-- marker -->} and {@link #END}; an error names the page and what is missing. */
    public static String section(Path page, String marker) throws IOException {
        String docs = Files.readString(page);
        String begin = "<!-- " + marker + " -->\n";
        int start = docs.indexOf(begin);
        if (start < 0) {
            throw new IllegalStateException(page + ": no line " + begin.strip() + " before the option table");
        }
        start += begin.length();
        int end = docs.indexOf(END, start);
        if (end < 0) {
            throw new IllegalStateException(page + ": no " + END + " after the line " + begin.strip());
        }
        return docs.substring(start, end);
    }
}
