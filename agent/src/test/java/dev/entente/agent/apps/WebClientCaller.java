package dev.entente.agent.apps;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;

/**
 * {@link HttpCaller} {@code webclient}: Spring's {@code WebClient} on Reactor Netty, posting a small body with
 * {@code retrieve()}; an error status answers with its status and body instead of failing. Its response
 * arrives on a Reactor Netty event loop.
 */
final class WebClientCaller {

    private static final WebClient HTTP = WebClient.create();

    private WebClientCaller() {
    }

    /** The typical use: {@code ...retrieve()...block()} on the caller's thread. */
    static HttpCaller blocking() {
        return url -> reply(url).block();
    }

    /**
     * The request is built on the caller's thread, inside its transaction, but subscribed to on a thread the
     * caller starts itself, which the agent does not follow: the transaction goes with what was built.
     */
    static HttpCaller subscribedOnAThreadOfItsOwn() {
        return url -> {
            Mono<HttpCaller.Reply> reply = reply(url);
            CompletableFuture<HttpCaller.Reply> answer = new CompletableFuture<>();
            Thread subscriber = new Thread(() -> reply.subscribe(answer::complete, answer::completeExceptionally), "subscriber");
            subscriber.start();
            return answer.get(30, TimeUnit.SECONDS);
        };
    }

    private static Mono<HttpCaller.Reply> reply(String url) {
        return HTTP.post().uri(url).bodyValue("from the order service").retrieve().toEntity(String.class)
                .map(response -> new HttpCaller.Reply(response.getStatusCode().value(),
                        response.getBody() == null ? "" : response.getBody()))
                .onErrorResume(WebClientResponseException.class,
                        e -> Mono.just(new HttpCaller.Reply(e.getStatusCode().value(), e.getResponseBodyAsString())));
    }
}
