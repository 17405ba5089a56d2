package dev.entente.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entente.testkit.CommittedRecords;
import dev.entente.testkit.CommittedRecords.Message;
import java.io.IOException;
import java.util.List;

/**
 * The {@code OrderPlaced} events on {@link Sandbox#ORDERS_TOPIC}, as a {@code read_committed} consumer
 * sees them: what the order service published, through the coordinator, for its committed orders.
 */
final class OrderEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One event: the order id its JSON value names (null if the value is not an {@code OrderPlaced}),
     * the record's key, and its {@code entente-xid} header (null if it has none).
     */
    record Event(String orderId, String key, String xid, int partition, long offset) {
        String where() {
            return Sandbox.ORDERS_TOPIC + "-" + partition + "@" + offset;
        }
    }

    private OrderEvents() {
    }

    static List<Event> read(String kafka) {
        return CommittedRecords.read(kafka, Sandbox.ORDERS_TOPIC).stream().map(OrderEvents::event).toList();
    }

    private static Event event(Message message) {
        return new Event(orderId(message.value()), message.key(), message.header("entente-xid"), message.partition(),
                message.offset());
    }

    private static String orderId(String value) {
        if (value == null) {
            return null;
        }
        try {
            JsonNode id = JSON.readTree(value).get("orderId");
            return id != null && id.isTextual() ? id.asText() : null;
        } catch (IOException notJson) {
            return null;
        }
    }
}
