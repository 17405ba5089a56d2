package dev.entente.agent.instrumentation.kafka;

import dev.entente.agent.instrumentation.InstrumentationModule;
import dev.entente.agent.instrumentation.SupportedLibrary;
import java.util.List;

/** The application's own Kafka producer: records sent under a global transaction name it (header {@code entente-xid}). */
public final class KafkaClientsModule extends InstrumentationModule {

    public KafkaClientsModule() {
        super("kafka-clients",
                List.of(new KafkaProducerInstrumentation()),
                List.of(new SupportedLibrary("Kafka producer (`KafkaProducer.send`): records carry `entente-xid`",
                        "3.x, 4.x", "4.1.1", "org.apache.kafka:kafka-clients")));
    }
}
