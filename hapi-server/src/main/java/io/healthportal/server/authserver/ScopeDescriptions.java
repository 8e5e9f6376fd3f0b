package io.healthportal.server.authserver;

import io.healthportal.server.security.ScopeCategories;
import io.healthportal.server.security.SmartScope;
import io.healthportal.server.security.SmartScope.Permission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A scope in plain words for the consent page. */
final class ScopeDescriptions {

    private static final Map<String, String> FIXED = Map.of(
            "openid", "Confirm who you are",
            "fhirUser", "Know which record in the portal is yours",
            "profile", "See your name",
            "launch/patient", "Know which patient record to open",
            "launch", "Open the patient record you have open in your clinical system",
            "offline_access", "Keep access when you are not using the app",
            "online_access", "Keep access while you are signed in");

    private ScopeDescriptions() {}

    /**
     * A category scope offered beneath its broad scope, whose sentence is already above it: only what it
     * narrows to, e.g. "Only laboratory test results".
     */
    static String describeNarrower(String scope) {
        String full = describe(scope);
        int only = full.indexOf(": only ");
        return only < 0 ? full : "Only" + full.substring(only + ": only".length());
    }

    /**
     * As {@link #describe(String)}, worded for {@code role}: a patient's own record is "your", the record a
     * clinician opens for a patient is "the patient's".
     */
    static String describe(String scope, PortalRole role) {
        String sentence = describe(scope);
        boolean patientScope = SmartScope.parse(scope)
                .map(parsed -> parsed.context() == SmartScope.Context.PATIENT)
                .orElse(false);
        return role == PortalRole.PATIENT || !patientScope
                ? sentence
                : sentence.replaceFirst(" your ", " the patient's ");
    }

    static String describe(String scope) {
        String fixed = FIXED.get(scope);
        if (fixed != null) {
            return fixed;
        }
        Optional<SmartScope> parsed = SmartScope.parse(scope);
        if (parsed.isEmpty()) {
            return scope;
        }
        SmartScope smart = parsed.get();
        List<String> verbs = new ArrayList<>();
        if (smart.permissions().contains(Permission.READ)) verbs.add("read");
        if (smart.permissions().contains(Permission.SEARCH)) verbs.add("search");
        if (smart.permissions().contains(Permission.CREATE)) verbs.add("add");
        if (smart.permissions().contains(Permission.UPDATE)) verbs.add("change");
        if (smart.permissions().contains(Permission.DELETE)) verbs.add("delete");
        String what = smart.coversAllTypes() ? "all kinds of records" : smart.resourceType() + " records";
        String whose = switch (smart.context()) {
            case PATIENT -> "your ";
            case USER -> "the ";
            case SYSTEM -> "all ";
        };
        String verbList = verbs.size() == 1
                ? verbs.get(0)
                : String.join(", ", verbs.subList(0, verbs.size() - 1)) + " and " + verbs.get(verbs.size() - 1);
        String sentence = Character.toUpperCase(verbList.charAt(0)) + verbList.substring(1) + " " + whose + what;
        if (smart.query() == null) {
            return sentence;
        }
        List<String> categories = smart.categories().stream()
                .map(token -> ScopeCategories.find(smart.resourceType(), token)
                        .map(ScopeCategories.Category::plainWords)
                        .orElse(token))
                .toList();
        return categories.isEmpty()
                ? sentence + " (only " + smart.query() + ")"
                : sentence + ": only " + String.join(" or ", categories);
    }
}
