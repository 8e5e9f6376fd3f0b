package io.healthportal.server.fhir;

import java.util.Map;

/**
 * The Hibernate properties HAPI's entity manager is built with; one of the storage tuning
 * configurations supplies them.
 */
record HibernateSettings(Map<String, String> properties) {

    HibernateSettings {
        properties = Map.copyOf(properties);
    }
}
