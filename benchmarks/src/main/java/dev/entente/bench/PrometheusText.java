package dev.entente.bench;

/** Reads one sample from a Prometheus text page, as the coordinator's {@code /metrics} serves it. */
public final class PrometheusText {

    private PrometheusText() {
    }

    public static long value(String page, String metric) {
        for (String line : page.split("\n")) {
            if (line.startsWith(metric + " ")) {
                return (long) Double.parseDouble(line.substring(metric.length() + 1).trim());
            }
        }
        throw new IllegalStateException("the coordinator's /metrics has no sample named " + metric
                + " (is the coordinator jar older than this driver? rebuild with mvn -DskipTests package)");
    }
}
