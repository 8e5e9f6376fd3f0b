package io.healthportal.server.security;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SMART resource scope, parsed once: {@code patient/Observation.rs}, {@code user/*.cruds},
 * {@code system/Patient.read} (v1 {@code read}, {@code write} and {@code *} are translated into their
 * v2 permissions). Scopes that grant no resource access ({@code openid}, {@code launch/patient}, ...)
 * are not resource scopes and parse to nothing.
 *
 * @param context whose data the scope reaches: the patient in context, what the user may see, or
 *     what the client system may see
 * @param resourceType a FHIR resource type, or {@code *} for every type
 * @param permissions what the scope allows on that type
 * @param query a granular v2 restriction such as {@code
 *     category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory}, or null. Only
 *     {@code category} on Observation and Condition is enforced ({@link #categories()}); a scope with
 *     any other query grants nothing.
 */
public record SmartScope(Context context, String resourceType, Set<Permission> permissions, String query) {

    public enum Context {
        PATIENT,
        USER,
        SYSTEM
    }

    /** SMART v2 permissions, in the order the spec requires them to be written. */
    public enum Permission {
        CREATE('c'),
        READ('r'),
        UPDATE('u'),
        DELETE('d'),
        SEARCH('s');

        private final char letter;

        Permission(char letter) {
            this.letter = letter;
        }
    }

    private static final Pattern SYNTAX =
            Pattern.compile("(patient|user|system)/(\\*|[A-Z][A-Za-z]+)\\.([a-z*]+)(?:\\?(.+))?");
    private static final String ALL_TYPES = "*";

    /** The types whose granular {@code ?category=} scopes SMART 2.2 asks servers to support. */
    public static final Set<String> CATEGORY_TYPES = Set.of("Observation", "Condition");

    private static final Pattern CATEGORY_QUERY = Pattern.compile("category=([^&=]+)");

    public SmartScope {
        permissions = Set.copyOf(permissions);
    }

    public static Optional<SmartScope> parse(String scope) {
        Matcher matcher = SYNTAX.matcher(scope);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return permissions(matcher.group(3))
                .map(permissions -> new SmartScope(
                        Context.valueOf(matcher.group(1).toUpperCase(java.util.Locale.ROOT)),
                        matcher.group(2),
                        permissions,
                        matcher.group(4)));
    }

    /** The resource scopes among {@code scopes}, in order; the others are left out. */
    public static List<SmartScope> parseAll(Collection<String> scopes) {
        return scopes.stream().map(SmartScope::parse).flatMap(Optional::stream).toList();
    }

    private static Optional<Set<Permission>> permissions(String text) {
        switch (text) {
            case "read":
                return Optional.of(EnumSet.of(Permission.READ, Permission.SEARCH));
            case "write":
                return Optional.of(EnumSet.of(Permission.CREATE, Permission.UPDATE, Permission.DELETE));
            case "*":
                return Optional.of(EnumSet.allOf(Permission.class));
            default:
                // v2: one or more of c, r, u, d, s, each at most once and in that order.
                EnumSet<Permission> permissions = EnumSet.noneOf(Permission.class);
                int next = 0;
                for (char letter : text.toCharArray()) {
                    Permission found = null;
                    for (Permission candidate : Permission.values()) {
                        if (candidate.letter == letter && candidate.ordinal() >= next) {
                            found = candidate;
                        }
                    }
                    if (found == null) {
                        return Optional.empty();
                    }
                    permissions.add(found);
                    next = found.ordinal() + 1;
                }
                return permissions.isEmpty() ? Optional.empty() : Optional.of(permissions);
        }
    }

    public boolean coversAllTypes() {
        return ALL_TYPES.equals(resourceType);
    }

    public boolean appliesTo(String type) {
        return coversAllTypes() || resourceType.equals(type);
    }

    /** Whether this scope grants {@code permission} on {@code type} without a granular restriction. */
    public boolean grants(String type, Permission permission) {
        return query == null && appliesTo(type) && permissions.contains(permission);
    }

    /**
     * Whether this scope grants {@code permission} on some {@code type} resources: every one, or those in
     * the categories of an enforced granular scope. Granular scopes grant reads and searches only.
     */
    public boolean reaches(String type, Permission permission) {
        if (query == null) {
            return grants(type, permission);
        }
        return !categories().isEmpty()
                && resourceType.equals(type)
                && (permission == Permission.READ || permission == Permission.SEARCH)
                && permissions.contains(permission);
    }

    /**
     * The categories of an enforced granular scope as FHIR token values ({@code system|code}), any of
     * which a resource may carry; empty for a scope without a query or with one this server does not
     * enforce (another parameter, another type, a code without its system).
     */
    public List<String> categories() {
        if (query == null || !CATEGORY_TYPES.contains(resourceType)) {
            return List.of();
        }
        Matcher matcher = CATEGORY_QUERY.matcher(query);
        if (!matcher.matches()) {
            return List.of();
        }
        List<String> tokens = List.of(matcher.group(1).split(",", -1));
        boolean allSystemAndCode = tokens.stream().allMatch(token -> {
            int bar = token.indexOf('|');
            return bar > 0 && bar < token.length() - 1 && token.indexOf('|', bar + 1) < 0;
        });
        return allSystemAndCode ? tokens : List.of();
    }
}
