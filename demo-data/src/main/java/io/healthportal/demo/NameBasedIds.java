package io.healthportal.demo;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Name-based (RFC 4122 version 3) UUIDs from the seed and a path of names, so the same seed gives the
 * same ids and references resolve inside a transaction without asking the server.
 */
final class NameBasedIds {

    private final long seed;

    NameBasedIds(long seed) {
        this.seed = seed;
    }

    /** A {@code urn:uuid:} full URL for the resource named by {@code path}. */
    String fullUrl(Object... path) {
        StringBuilder name = new StringBuilder("io.healthportal.demo|").append(seed);
        for (Object part : path) {
            name.append('|').append(part);
        }
        return "urn:uuid:" + UUID.nameUUIDFromBytes(name.toString().getBytes(StandardCharsets.UTF_8));
    }
}
