package io.healthportal.server.testing;

import io.healthportal.testing.RequiredServices;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks tests that drive a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}
 * packages, or {@code PORTAL_CHROMIUM} and {@code PORTAL_CHROMEDRIVER}). Without them they are skipped
 * with one line saying so; where services are required ({@code portal.require-services=true} or
 * {@code CI=true}) they fail.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresChromium.Condition.class)
public @interface RequiresChromium {

    Path CHROMIUM = Condition.executable("PORTAL_CHROMIUM", "/usr/bin/chromium");
    Path CHROMEDRIVER = Condition.executable("PORTAL_CHROMEDRIVER", "/usr/bin/chromedriver");

    final class Condition implements ExecutionCondition {
        private static final AtomicBoolean REPORTED = new AtomicBoolean();

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            Optional<String> unavailable = unavailableReason();
            if (unavailable.isEmpty()) {
                return ConditionEvaluationResult.enabled("Chromium is installed");
            }
            if (RequiredServices.required()) {
                throw new IllegalStateException("Browser tests require Chromium: " + unavailable.get());
            }
            if (REPORTED.compareAndSet(false, true)) {
                System.out.println("SKIPPED browser tests needing Chromium: " + unavailable.get());
            }
            return ConditionEvaluationResult.disabled(unavailable.get());
        }

        static Path executable(String variable, String fallback) {
            String value = System.getenv(variable);
            return Path.of(value == null || value.isBlank() ? fallback : value);
        }

        private static Optional<String> unavailableReason() {
            for (Path executable : new Path[] {CHROMIUM, CHROMEDRIVER}) {
                if (!Files.isExecutable(executable)) {
                    return Optional.of(executable + " is not installed (apt-get install chromium chromium-driver)");
                }
            }
            return Optional.empty();
        }
    }
}
