package io.healthportal.ingest.testing;

import io.healthportal.testing.RequiredServices;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks tests that read the partner corpus ({@link Corpus}), which lives beside the repository, not
 * in it. Without it they are skipped, with one line saying so; where services are required
 * ({@code portal.require-services=true} or {@code CI=true}) they fail.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresCorpus.Condition.class)
public @interface RequiresCorpus {

    final class Condition implements ExecutionCondition {
        private static final AtomicBoolean REPORTED = new AtomicBoolean();

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (Corpus.find().isPresent()) {
                return ConditionEvaluationResult.enabled("the partner corpus is there");
            }
            String reason = Corpus.NOT_FOUND + " " + java.nio.file.Path.of("").toAbsolutePath();
            if (RequiredServices.required()) {
                throw new IllegalStateException("Tests require the partner corpus: " + reason);
            }
            if (REPORTED.compareAndSet(false, true)) {
                System.out.println("SKIPPED tests needing the partner corpus: " + reason);
            }
            return ConditionEvaluationResult.disabled(reason);
        }
    }
}
