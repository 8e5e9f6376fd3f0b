package io.healthportal.ingest.testing;

import io.healthportal.testing.RequiredServices;
import io.healthportal.testing.TestPostgres;
import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks the end-to-end test: it needs the external PostgreSQL, a RabbitMQ
 * ({@code PORTAL_TEST_TestRabbitMq.HOST}/{@code _PORT}, default 127.0.0.1:5672) and the hapi-server jar
 * built by the reactor ({@code ./mvnw verify} builds it first; {@code -pl ingest-adapters} alone does
 * not). Without them the test is skipped with one line; where services are required it fails.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresEndToEndServices.Condition.class)
public @interface RequiresEndToEndServices {

    final class Condition implements ExecutionCondition {

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            Optional<String> missing = TestPostgres.unavailableReason()
                    .or(Condition::rabbitMqUnavailable)
                    .or(() -> HapiServerProcess.jar().isPresent()
                            ? Optional.empty()
                            : Optional.of("the hapi-server jar is not built (run the whole reactor: ./mvnw verify)"));
            if (missing.isEmpty()) {
                return ConditionEvaluationResult.enabled("end-to-end services available");
            }
            if (RequiredServices.required()) {
                throw new IllegalStateException("The end-to-end test requires its services: " + missing.get());
            }
            System.out.println("SKIPPED end-to-end test: " + missing.get());
            return ConditionEvaluationResult.disabled(missing.get());
        }

        private static Optional<String> rabbitMqUnavailable() {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(TestRabbitMq.HOST, TestRabbitMq.PORT), 2_000);
                return Optional.empty();
            } catch (IOException e) {
                return Optional.of("RabbitMQ at " + TestRabbitMq.HOST + ":" + TestRabbitMq.PORT + " is not reachable");
            }
        }
    }
}
