package dev.entente.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Debian's Chromium, headless, driven over the Chrome DevTools protocol (JSON on a WebSocket, no driver
 * binary, no library): open a page, type, click with real mouse events, read the DOM, take a screenshot.
 * Needs {@code /usr/bin/chromium} (Debian package {@code chromium}; {@code entente.chromium} names
 * another binary). Started with a fresh profile and without the background networking that this
 * machine's closed network would refuse.
 */
public final class HeadlessChromium implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final WebSocket socket;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    private HeadlessChromium(Process process, WebSocket socket) {
        this.process = process;
        this.socket = socket;
    }

    /** Starts Chromium with a new profile in {@code workDir}; its output goes to {@code workDir/chromium.log}. */
    public static HeadlessChromium start(Path workDir) {
        String binary = System.getProperty("entente.chromium", "/usr/bin/chromium");
        if (!Files.isExecutable(Path.of(binary))) {
            throw new IllegalStateException("headless browser tests need Chromium at " + binary
                    + " (Debian: apt-get install -y chromium; or -Dentente.chromium=/path/to/chromium)");
        }
        try {
            Path profile = Files.createDirectories(workDir.resolve("chromium-profile"));
            Process process = new ProcessBuilder(binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                    "--window-size=1280,1024", "about:blank")
                    .redirectErrorStream(true).redirectOutput(workDir.resolve("chromium.log").toFile()).start();
            OrphanReaper.watch(process.toHandle());
            int port = devToolsPort(profile.resolve("DevToolsActivePort"), process);
            HttpResponse<String> targets = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/json/list")).build(), HttpResponse.BodyHandlers.ofString());
            String pageSocket = null;
            for (JsonNode target : JSON.readTree(targets.body())) {
                if (target.path("type").asText().equals("page")) {
                    pageSocket = target.path("webSocketDebuggerUrl").asText();
                }
            }
            if (pageSocket == null) {
                process.destroyForcibly();
                throw new IllegalStateException("Chromium opened no page to drive: " + targets.body());
            }
            HeadlessChromium[] self = new HeadlessChromium[1];
            Listener listener = new Listener(message -> self[0].received(message));
            WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(pageSocket), listener)
                    .get(30, TimeUnit.SECONDS);
            self[0] = new HeadlessChromium(process, socket);
            self[0].command("Page.enable", Map.of());
            self[0].command("Runtime.enable", Map.of());
            return self[0];
        } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot start headless Chromium (" + binary + "): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int devToolsPort(Path activePort, Process process) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.exists(activePort)) {
                List<String> lines = Files.readAllLines(activePort);
                if (!lines.isEmpty() && !lines.get(0).isBlank()) {
                    return Integer.parseInt(lines.get(0).trim());
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("Chromium exited with " + process.exitValue() + " before opening DevTools");
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new IllegalStateException("Chromium did not open its DevTools port within 60 s");
    }

    /** Collects a message's fragments and hands over each whole message. */
    private static final class Listener implements WebSocket.Listener {
        private final java.util.function.Consumer<String> sink;
        private final StringBuilder partial = new StringBuilder();

        Listener(java.util.function.Consumer<String> sink) {
            this.sink = sink;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String message = partial.toString();
                partial.setLength(0);
                sink.accept(message);
            }
            webSocket.request(1);
            return null;
        }
    }

    private void received(String message) {
        try {
            JsonNode json = JSON.readTree(message);
            if (json.has("id")) {
                CompletableFuture<JsonNode> waiter = pending.remove(json.get("id").asLong());
                if (waiter != null) {
                    if (json.has("error")) {
                        waiter.completeExceptionally(new IllegalStateException("DevTools: " + json.get("error")));
                    } else {
                        waiter.complete(json.path("result"));
                    }
                }
            }
        } catch (IOException e) {
            // not JSON: nothing waits for it
        }
    }

    /** Sends one DevTools command and waits for its result. */
    public JsonNode command(String method, Map<String, ?> params) {
        long id = ids.incrementAndGet();
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        pending.put(id, result);
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", JSON.valueToTree(params));
        try {
            socket.sendText(JSON.writeValueAsString(message), true).get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return result.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            pending.remove(id);
            throw new IllegalStateException("DevTools " + method + " failed: " + e, e);
        }
    }

    /** Opens {@code url} and waits until its document has loaded. */
    public void open(String url) {
        command("Page.navigate", Map.of("url", url));
        waitUntil("document.readyState === 'complete' && location.href.startsWith(" + quote(url) + ")", Duration.ofSeconds(30));
    }

    /** The value of a JavaScript expression in the page (a promise is awaited). */
    public JsonNode evaluate(String expression) {
        JsonNode result = command("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("page script failed: " + expression + ": " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /** The text of the first element matching {@code selector}, or "" if none. */
    public String text(String selector) {
        return evaluate("(document.querySelector(" + quote(selector) + ") || {}).innerText || ''").asText();
    }

    /** Waits until {@code condition} (JavaScript) is true in the page; fails naming it otherwise. */
    public void waitUntil(String condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (evaluate("!!(" + condition + ")").asBoolean()) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("the page did not reach `" + condition + "` within " + timeout.toSeconds() + " s; body:\n"
                + text("body"));
    }

    /** Clicks the middle of the element matching {@code selector} with the mouse. */
    public void click(String selector) {
        JsonNode box = evaluate("(() => { const e = document.querySelector(" + quote(selector) + "); if (!e) return null;"
                + " e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
                + " return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()");
        if (box.isNull() || box.isMissingNode()) {
            throw new AssertionError("no element matches " + selector + " to click; body:\n" + text("body"));
        }
        for (String type : new String[] {"mousePressed", "mouseReleased"}) {
            command("Input.dispatchMouseEvent", Map.of("type", type, "x", box.get("x").asDouble(), "y", box.get("y").asDouble(),
                    "button", "left", "clickCount", 1));
        }
    }

    /** Focuses the field matching {@code selector}, clears it and types {@code text}. */
    public void type(String selector, String text) {
        evaluate("(() => { const e = document.querySelector(" + quote(selector) + "); e.focus(); e.select(); })()");
        command("Input.insertText", Map.of("text", text));
    }

    /** A PNG of the page as shown now. */
    public void screenshot(Path file) {
        byte[] png = Base64.getDecoder().decode(command("Page.captureScreenshot", Map.of("format", "png",
                "captureBeyondViewport", true)).path("data").asText());
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, png);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the screenshot " + file, e);
        }
    }

    private static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        socket.abort();
        List<ProcessHandle> family = new ArrayList<>(process.descendants().toList());
        JvmProcess.stop(process);
        family.forEach(ProcessHandle::destroyForcibly);
    }
}
