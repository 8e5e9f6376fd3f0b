package io.healthportal.server.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts the 401s answered to each network address in windows of one minute from the first of them, so
 * a caller hammering {@code /fhir} without a token costs one AuditEvent a minute, not one a request.
 */
final class UnauthenticatedWindows {

    static final Duration LENGTH = Duration.ofMinutes(1);

    /** One address's open window. */
    record Window(String address, Instant first, Instant last, int count) {

        Window plus(Instant at) {
            return new Window(address, first, at, count + 1);
        }

        boolean endedBy(Instant now) {
            return !now.isBefore(first.plus(LENGTH));
        }
    }

    private final ConcurrentHashMap<String, Window> open = new ConcurrentHashMap<>();

    /** Counts one 401 to {@code address}; returns the window it closed by starting a new one, if any. */
    List<Window> count(String address, Instant at) {
        List<Window> closed = new ArrayList<>(1);
        open.compute(address, (key, window) -> {
            if (window == null) {
                return new Window(key, at, at, 1);
            }
            if (window.endedBy(at)) {
                closed.add(window);
                return new Window(key, at, at, 1);
            }
            return window.plus(at);
        });
        return closed;
    }

    /** Removes and returns the windows a minute old by {@code now}, or every open one when {@code all}. */
    List<Window> close(Instant now, boolean all) {
        List<Window> closed = new ArrayList<>();
        for (String address : open.keySet()) {
            open.computeIfPresent(address, (key, window) -> {
                if (all || window.endedBy(now)) {
                    closed.add(window);
                    return null;
                }
                return window;
            });
        }
        return closed;
    }
}
