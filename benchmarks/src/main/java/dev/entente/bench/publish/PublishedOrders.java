package dev.entente.bench.publish;

import dev.entente.api.GlobalTransactional;
import dev.entente.api.Publish;
import java.util.UUID;

/** Entente's way: the order is the return value of a global transaction, published after its commit decision. */
final class PublishedOrders {

    @GlobalTransactional(name = "bench-publish")
    @Publish(topic = Order.TOPIC, key = "{result.orderId}")
    public Order place(int quantity) {
        return new Order(UUID.randomUUID().toString(), "bench", quantity);
    }
}
