package dev.entente.agent.instrumentation.kafka;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.agent.instrumentation.TypeMatcher;
import dev.entente.bootstrap.Hooks;
import dev.entente.bootstrap.TransactionContext;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * {@code KafkaProducer.send(ProducerRecord, Callback)}, where {@code send(ProducerRecord)} ends too: a
 * record the application sends under a global transaction gets the XID header. The agent's own Kafka
 * client (in its isolated class loader) is never instrumented; the record is typed {@code Object}, the
 * application's kafka-clients being of its own version.
 */
public final class KafkaProducerInstrumentation implements TypeInstrumentation {

    @Override
    public TypeMatcher types() {
        return TypeInstrumentation.named("org.apache.kafka.clients.producer.KafkaProducer");
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice()
                .advice(named("send").and(takesArguments(2))
                                .and(takesArgument(0, named("org.apache.kafka.clients.producer.ProducerRecord"))),
                        SendAdvice.class.getName());
    }

    public static final class SendAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) Object record) {
            String xid = TransactionContext.currentXid();
            if (xid != null && record != null) {
                Hooks.messaging.recordSending(record, xid);
            }
        }
    }
}
