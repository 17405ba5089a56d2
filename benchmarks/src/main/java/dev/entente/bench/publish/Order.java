package dev.entente.bench.publish;

/** The message both ways of publishing send, as JSON: an order of some quantity for a customer. */
public record Order(String orderId, String customer, int quantity) {

    static final String TOPIC = "bench.orders";
}
