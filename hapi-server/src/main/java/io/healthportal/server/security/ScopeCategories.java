package io.healthportal.server.security;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The categories this server offers granular scopes for: HL7's observation and condition category code
 * systems, which SMART App Launch 2.2 names for {@code ?category=} scopes. A scope may name a category
 * of another system; it is enforced alike but offered nowhere.
 */
public final class ScopeCategories {

    /** One category: its code system, code and what it means in plain words. */
    public record Category(String system, String code, String plainWords) {

        /** The FHIR token value, {@code system|code}, as scopes and searches write it. */
        public String token() {
            return system + "|" + code;
        }

        /** The granular scope narrowing {@code scope} (e.g. {@code patient/Observation.rs}) to this category. */
        public String narrow(String scope) {
            return scope + "?category=" + token();
        }
    }

    static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
    static final String CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category";

    private static final Map<String, List<Category>> BY_TYPE = Map.of(
            "Observation",
            List.of(
                    new Category(OBSERVATION_CATEGORY, "laboratory", "laboratory test results"),
                    new Category(OBSERVATION_CATEGORY, "vital-signs", "vital signs such as blood pressure and weight"),
                    new Category(OBSERVATION_CATEGORY, "social-history", "social history such as smoking"),
                    new Category(OBSERVATION_CATEGORY, "imaging", "imaging results such as X-rays"),
                    new Category(OBSERVATION_CATEGORY, "survey", "questionnaire answers and assessments")),
            "Condition",
            List.of(
                    new Category(CONDITION_CATEGORY, "problem-list-item", "your problem list"),
                    new Category(CONDITION_CATEGORY, "encounter-diagnosis", "diagnoses made at visits")));

    private ScopeCategories() {}

    /** The categories offered for {@code type}, none for types without granular scopes. */
    public static List<Category> of(String type) {
        return BY_TYPE.getOrDefault(type, List.of());
    }

    /** The category a token names, if this server offers it. */
    public static Optional<Category> find(String type, String token) {
        return of(type).stream().filter(c -> c.token().equals(token)).findFirst();
    }
}
