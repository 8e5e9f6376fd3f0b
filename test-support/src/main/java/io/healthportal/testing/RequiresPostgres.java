package io.healthportal.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks tests that need the external PostgreSQL. Without it they are skipped, with one line saying
 * so; where services are required ({@code portal.require-services=true} or {@code CI=true}) they fail.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresPostgres.Condition.class)
public @interface RequiresPostgres {

    final class Condition implements ExecutionCondition {
        private static final AtomicBoolean REPORTED = new AtomicBoolean();
        private static volatile Optional<String> unavailable;

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (unavailable == null) {
                unavailable = TestPostgres.unavailableReason();
            }
            if (unavailable.isEmpty()) {
                return ConditionEvaluationResult.enabled("PostgreSQL is reachable");
            }
            if (RequiredServices.required()) {
                throw new IllegalStateException("Integration tests require PostgreSQL: " + unavailable.get());
            }
            if (REPORTED.compareAndSet(false, true)) {
                System.out.println("SKIPPED integration tests needing PostgreSQL: " + unavailable.get());
            }
            return ConditionEvaluationResult.disabled(unavailable.get());
        }
    }
}
