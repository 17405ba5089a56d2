package dev.entente.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The line a workload JVM prints at its end, and how the driver that started it reads it back: one
 * {@link Measurement} as {@code result ops=… seconds=… p50us=… p99us=… errors=… completed=…}, after an
 * {@code errors N, first: …} line when some operations failed.
 */
public final class ResultLine {

    static final String PREFIX = "result ";
    private static final Pattern FIELD = Pattern.compile("\\b(ops|seconds|p50us|p99us|errors|completed)=([0-9.]+)");

    private ResultLine() {
    }

    /** Prints {@code measured} on standard output. */
    public static void print(Measurement measured) {
        if (measured.errors() > 0) {
            System.out.println("errors " + measured.errors() + ", first: " + measured.firstError());
        }
        // one write: printf writes each piece on its own, and a log line of another thread could land between them
        System.out.print(String.format("%sops=%d seconds=%.3f p50us=%.1f p99us=%.1f errors=%d completed=%d%n", PREFIX,
                measured.operations(), measured.seconds(), measured.p50Micros(), measured.p99Micros(), measured.errors(),
                measured.completed()));
    }

    /** The measurement in {@code output}, everything a workload printed; {@code what} names it in the error if there is none. */
    public static Measurement read(String what, String output) {
        int at = output.indexOf(PREFIX + "ops=");
        if (at < 0) {
            throw new IllegalStateException(what + " printed no result:\n" + output);
        }
        // a log line from another of the workload's threads may land inside the result line: read fields, not columns
        Map<String, String> values = new HashMap<>();
        Matcher field = FIELD.matcher(output.substring(at));
        while (field.find()) {
            values.putIfAbsent(field.group(1), field.group(2));
        }
        if (!values.keySet().containsAll(List.of("ops", "seconds", "p50us", "p99us", "errors", "completed"))) {
            throw new IllegalStateException(what + " printed an unreadable result:\n" + output);
        }
        String firstError = output.lines().filter(l -> l.startsWith("errors ")).findFirst().orElse(null);
        return new Measurement(Long.parseLong(values.get("ops")), Long.parseLong(values.get("errors")),
                Double.parseDouble(values.get("seconds")), Double.parseDouble(values.get("p50us")),
                Double.parseDouble(values.get("p99us")), firstError, Long.parseLong(values.get("completed")));
    }
}
