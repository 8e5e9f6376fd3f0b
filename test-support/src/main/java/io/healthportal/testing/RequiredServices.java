package io.healthportal.testing;

/**
 * Whether a missing service fails the tests that need it ({@code portal.require-services=true}, which
 * {@code .ci/run} passes, or {@code CI=true}) or only skips them, with one line saying so.
 */
public final class RequiredServices {

    private RequiredServices() {}

    public static boolean required() {
        return Boolean.getBoolean("portal.require-services") || "true".equalsIgnoreCase(System.getenv("CI"));
    }
}
