package dev.entente.testkit;

/**
 * Reads one sample from a Prometheus text page, as the coordinator's {@code /metrics} serves it: a
 * sample is its name and labels as written ({@code entente_requests_total{method="Commit"}}), its value a
 * number as Prometheus writes it ({@code 2.0}, {@code 1.5E-4}).
 */
public final class PrometheusText {

    private PrometheusText() {
    }

    /** The value of {@code sample} on {@code page}; throws if the page has no such sample. */
    public static double number(String page, String sample) {
        for (String line : page.split("\n")) {
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1).trim());
            }
        }
        throw new IllegalStateException("the coordinator's /metrics has no sample named " + sample
                + " (is the coordinator jar older than this code? rebuild with mvn -DskipTests package)");
    }

    /** The value of {@code sample}, a count (a counter's or a gauge's that counts things). */
    public static long value(String page, String sample) {
        double number = number(page, sample);
        if (number != Math.rint(number)) {
            throw new IllegalStateException(sample + " is " + number + ", not a whole count");
        }
        return (long) number;
    }
}
