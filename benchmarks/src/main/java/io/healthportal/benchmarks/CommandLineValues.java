package io.healthportal.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command's {@code --name value} and {@code --name=value} options and its flags, each taken at most
 * once so that a typo is reported as unused instead of silently ignored.
 */
final class CommandLineValues {

    private final Map<String, String> values;
    private final Set<String> flags;

    private CommandLineValues(Map<String, String> values, Set<String> flags) {
        this.values = values;
        this.flags = flags;
    }

    /** @param knownFlags the options that take no value, e.g. {@code --quick} */
    static CommandLineValues parse(String[] args, String... knownFlags) {
        Set<String> known = Set.of(knownFlags);
        Map<String, String> values = new HashMap<>();
        Set<String> flags = new HashSet<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (known.contains(arg)) {
                flags.add(arg);
            } else if (arg.startsWith("--") && arg.contains("=")) {
                values.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            } else if (arg.startsWith("--") && i + 1 < args.length) {
                values.put(arg.substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("Unknown argument: " + arg);
            }
        }
        return new CommandLineValues(values, flags);
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    String string(String name, String fallback) {
        String value = values.remove(name);
        return value == null ? fallback : value;
    }

    int integer(String name, int fallback) {
        String value = values.remove(name);
        return value == null ? fallback : Integer.parseInt(value);
    }

    List<Integer> integers(String name, List<Integer> fallback) {
        String value = values.remove(name);
        if (value == null) {
            return fallback;
        }
        return Arrays.stream(value.split(","))
                .map(String::trim)
                .map(Integer::valueOf)
                .toList();
    }

    List<String> strings(String name, List<String> fallback) {
        String value = values.remove(name);
        if (value == null) {
            return fallback;
        }
        return new ArrayList<>(Arrays.stream(value.split(",")).map(String::trim).toList());
    }

    List<String> words(String name) {
        String value = values.remove(name);
        return value == null || value.isBlank()
                ? List.of()
                : List.of(value.trim().split("\\s+"));
    }

    /** Options given but never asked for. */
    Map<String, String> unused() {
        return values;
    }
}
