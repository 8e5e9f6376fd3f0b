package io.healthportal.ingest.testing;

/** The RabbitMQ the end-to-end test uses ({@code PORTAL_TEST_RABBITMQ_HOST}/{@code _PORT}, default 127.0.0.1:5672). */
public final class TestRabbitMq {

    public static final String HOST = env("PORTAL_TEST_RABBITMQ_HOST", "127.0.0.1");
    public static final int PORT = Integer.parseInt(env("PORTAL_TEST_RABBITMQ_PORT", "5672"));

    private TestRabbitMq() {}

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
