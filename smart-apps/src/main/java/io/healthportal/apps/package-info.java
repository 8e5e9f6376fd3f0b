/** SMART on FHIR launch apps (scheduling, teleconsult, health-data views); built out by the apps issue. */
package io.healthportal.apps;
