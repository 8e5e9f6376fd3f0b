package io.healthportal.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationReferenceRangeComponent;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class ClinicalValuesTest {

    private static final String INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
    private static final String HBA1C = "59261-8";
    private static final String TYPE_2_DIABETES = "44054006";

    private final DemoDataGenerator generator = new DemoDataGenerator(7, LocalDate.of(2025, 6, 2));
    private final List<Bundle> patients = generator.patientBundles(0, 30, 300).toList();

    @Test
    void everyLabResultIsFlaggedHighLowOrNormalAccordingToItsReferenceRange() {
        Set<String> flagsSeen = new HashSet<>();
        for (Observation result : labResults()) {
            BigDecimal value = result.getValueQuantity().getValue();
            ObservationReferenceRangeComponent range = result.getReferenceRangeFirstRep();
            String expected = range.hasLow() && value.compareTo(range.getLow().getValue()) < 0
                    ? "L"
                    : range.hasHigh() && value.compareTo(range.getHigh().getValue()) > 0 ? "H" : "N";

            assertThat(range.hasLow() || range.hasHigh()).isTrue();
            assertThat(result.getInterpretationFirstRep().getCoding())
                    .singleElement()
                    .satisfies(coding -> {
                        assertThat(coding.getSystem()).isEqualTo(INTERPRETATION);
                        assertThat(coding.getCode()).isEqualTo(expected);
                    });
            flagsSeen.add(expected);
        }
        assertThat(flagsSeen).containsExactlyInAnyOrder("H", "L", "N");
    }

    @Test
    void labResultsCarryTheUcumUnitOfTheirRange() {
        for (Observation result : labResults()) {
            Quantity value = result.getValueQuantity();
            assertThat(value.getSystem()).isEqualTo("http://unitsofmeasure.org");
            ObservationReferenceRangeComponent range = result.getReferenceRangeFirstRep();
            Quantity bound = range.hasLow() ? range.getLow() : range.getHigh();
            assertThat(bound.getCode()).isEqualTo(value.getCode());
        }
    }

    @Test
    void everyLabReportGroupsResultsFromTheSameSample() {
        for (Bundle bundle : patients) {
            Map<String, Observation> observations = new TreeMap<>();
            for (BundleEntryComponent entry : bundle.getEntry()) {
                if (entry.getResource() instanceof Observation observation) {
                    observations.put(entry.getFullUrl(), observation);
                }
            }
            for (BundleEntryComponent entry : bundle.getEntry()) {
                if (entry.getResource() instanceof DiagnosticReport report) {
                    assertThat(report.getResult()).isNotEmpty();
                    for (Reference result : report.getResult()) {
                        Observation observation = observations.get(result.getReference());
                        assertThat(observation.getEffectiveDateTimeType().getValueAsString())
                                .isEqualTo(report.getEffectiveDateTimeType().getValueAsString());
                        assertThat(observation
                                        .getCategoryFirstRep()
                                        .getCodingFirstRep()
                                        .getCode())
                                .isEqualTo("laboratory");
                    }
                }
            }
        }
    }

    @Test
    void aDiabeticPatientsHbA1cDriftsUpwardOnceTreatmentHasSettled() {
        int diabeticsWithHistory = 0;
        for (Bundle bundle : patients) {
            LocalDate diagnosed = diabetesOnset(bundle);
            if (diagnosed == null) {
                continue;
            }
            List<double[]> points = new ArrayList<>(); // years since diagnosis, HbA1c
            for (Observation result : labResults(bundle)) {
                if (HBA1C.equals(result.getCode().getCodingFirstRep().getCode())) {
                    LocalDate taken = OffsetDateTime.parse(
                                    result.getEffectiveDateTimeType().getValueAsString())
                            .toLocalDate();
                    double years = Physiology.yearsBetween(diagnosed, taken);
                    if (years >= 1) {
                        points.add(new double[] {
                            years, result.getValueQuantity().getValue().doubleValue()
                        });
                    }
                }
            }
            if (points.size() >= 4) {
                diabeticsWithHistory++;
                assertThat(slope(points)).isPositive();
            }
        }
        assertThat(diabeticsWithHistory).isPositive();
    }

    @Test
    void bmiIsTheWeightMeasuredAtTheSameTimeOverHeightSquared() {
        int checked = 0;
        for (Bundle bundle : patients) {
            Map<String, Double> weights = new TreeMap<>();
            Double heightCm = null;
            List<Observation> bmis = new ArrayList<>();
            for (BundleEntryComponent entry : bundle.getEntry()) {
                if (entry.getResource() instanceof Observation observation && observation.hasValueQuantity()) {
                    String code = observation.getCode().getCodingFirstRep().getCode();
                    String when = observation.getEffectiveDateTimeType().getValueAsString();
                    switch (code) {
                        case "29463-7" ->
                            weights.put(
                                    when,
                                    observation.getValueQuantity().getValue().doubleValue());
                        case "8302-2" ->
                            heightCm = observation.getValueQuantity().getValue().doubleValue();
                        case "39156-5" -> bmis.add(observation);
                        default -> {}
                    }
                }
            }
            for (Observation bmi : bmis) {
                Double weight = weights.get(bmi.getEffectiveDateTimeType().getValueAsString());
                if (weight != null && heightCm != null) {
                    double metres = heightCm / 100;
                    assertThat(bmi.getValueQuantity().getValue())
                            .isEqualByComparingTo(BigDecimal.valueOf(weight / (metres * metres))
                                    .setScale(1, RoundingMode.HALF_UP));
                    checked++;
                }
            }
        }
        assertThat(checked).isPositive();
    }

    private static double slope(List<double[]> points) {
        double meanX = points.stream().mapToDouble(p -> p[0]).average().orElseThrow();
        double meanY = points.stream().mapToDouble(p -> p[1]).average().orElseThrow();
        double covariance = 0;
        double variance = 0;
        for (double[] p : points) {
            covariance += (p[0] - meanX) * (p[1] - meanY);
            variance += (p[0] - meanX) * (p[0] - meanX);
        }
        return covariance / variance;
    }

    private static LocalDate diabetesOnset(Bundle bundle) {
        for (BundleEntryComponent entry : bundle.getEntry()) {
            if (entry.getResource() instanceof Condition condition
                    && TYPE_2_DIABETES.equals(
                            condition.getCode().getCodingFirstRep().getCode())) {
                return LocalDate.parse(condition.getOnsetDateTimeType().getValueAsString());
            }
        }
        return null;
    }

    private List<Observation> labResults() {
        return patients.stream().flatMap(bundle -> labResults(bundle).stream()).toList();
    }

    private static List<Observation> labResults(Bundle bundle) {
        return bundle.getEntry().stream()
                .map(BundleEntryComponent::getResource)
                .filter(Observation.class::isInstance)
                .map(Observation.class::cast)
                .filter(o -> "laboratory"
                        .equals(o.getCategoryFirstRep().getCodingFirstRep().getCode()))
                .toList();
    }
}
