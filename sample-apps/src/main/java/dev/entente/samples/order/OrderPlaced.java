package dev.entente.samples.order;

/**
 * The event the order service publishes for every order that commits, as JSON on
 * {@link OrderService#TOPIC}, keyed by the order id. A record, so Entente serialises its components.
 */
public record OrderPlaced(String orderId, String customer, String sku, int quantity, int amount) {
}
