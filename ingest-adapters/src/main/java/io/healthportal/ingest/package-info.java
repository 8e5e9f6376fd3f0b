/** Partner data (HL7 v2, CSV, HTML, partner APIs, C-CDA) into FHIR; built out by the ingest issue. */
package io.healthportal.ingest;
