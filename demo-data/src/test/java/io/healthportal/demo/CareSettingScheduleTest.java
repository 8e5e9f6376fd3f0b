package io.healthportal.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CareSettingScheduleTest {

    private static final ZoneId LONDON = ZoneId.of("Europe/London");

    @ParameterizedTest
    @ValueSource(strings = {"2025-03-17", "2025-10-13"})
    void slotsStayOnTheLondonWallClockAcrossAClockChange(String today) {
        List<Slot> slots = slots(new DemoDataGenerator(1, LocalDate.parse(today)).sharedResources());
        Set<ZoneOffset> offsets = new HashSet<>();
        for (Slot slot : slots) {
            OffsetDateTime start = OffsetDateTime.parse(slot.getStartElement().getValueAsString());
            OffsetDateTime end = OffsetDateTime.parse(slot.getEndElement().getValueAsString());
            ZonedDateTime local = start.atZoneSameInstant(LONDON);

            assertThat(start.getOffset()).isEqualTo(LONDON.getRules().getOffset(start.toInstant()));
            assertThat(local.toLocalTime()).isEqualTo(start.toLocalTime());
            assertThat(local.getMinute() % 15).isZero();
            assertThat(local.toLocalTime())
                    .satisfiesAnyOf(
                            time -> assertThat(time).isBetween(LocalTime.of(9, 0), LocalTime.of(12, 15)),
                            time -> assertThat(time).isBetween(LocalTime.of(14, 0), LocalTime.of(16, 45)));
            assertThat(java.time.Duration.between(start, end)).hasMinutes(15);
            offsets.add(start.getOffset());
        }
        assertThat(offsets).containsExactlyInAnyOrder(ZoneOffset.UTC, ZoneOffset.ofHours(1));
    }

    @Test
    void theSameMondayMorningSlotIsNineOClockGmtBeforeTheChangeAndNineOClockBstAfter() {
        Set<String> starts = new HashSet<>();
        slots(new DemoDataGenerator(1, LocalDate.of(2025, 3, 17)).sharedResources())
                .forEach(slot -> starts.add(slot.getStartElement().getValueAsString()));

        // Dr Sharma holds a surgery every Monday morning; the clocks went forward on Sunday 30 March 2025.
        assertThat(starts).contains("2025-03-24T09:00:00+00:00", "2025-03-31T09:00:00+01:00");
    }

    @Test
    void slotsCoverTheFourWeeksAfterTodayOnWorkingDaysOnly() {
        LocalDate today = LocalDate.of(2025, 4, 7);
        List<Slot> slots = slots(new DemoDataGenerator(1, today).sharedResources());
        Set<LocalDate> days = new HashSet<>();
        slots.forEach(slot -> days.add(
                OffsetDateTime.parse(slot.getStartElement().getValueAsString()).toLocalDate()));

        assertThat(days).allSatisfy(day -> {
            assertThat(day).isAfter(today).isBeforeOrEqualTo(today.plusDays(28));
            assertThat(day.getDayOfWeek()).isNotIn(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY);
        });
        // Good Friday, Easter Monday and the early May bank holiday of 2025.
        assertThat(days)
                .doesNotContain(LocalDate.of(2025, 4, 18), LocalDate.of(2025, 4, 21), LocalDate.of(2025, 5, 5))
                .contains(LocalDate.of(2025, 4, 8), LocalDate.of(2025, 5, 2));
    }

    @Test
    void someSlotsAreBusyAndMoreOfThemSoonerThanLater() {
        LocalDate today = LocalDate.of(2025, 3, 17);
        List<Slot> slots = slots(new DemoDataGenerator(1, today).sharedResources());
        double busyFirstWeek = busyShare(slots, today, 0, 7);
        double busyLastWeek = busyShare(slots, today, 21, 28);

        assertThat(busyFirstWeek).isGreaterThan(busyLastWeek);
        assertThat(busyLastWeek).isGreaterThan(0.0).isLessThan(0.5);
    }

    @Test
    void everySharedResourceIsAConditionalCreateOnItsOwnIdentifier() {
        Bundle shared = new DemoDataGenerator(1, LocalDate.of(2025, 3, 17)).sharedResources();
        Set<String> conditions = new HashSet<>();
        for (BundleEntryComponent entry : shared.getEntry()) {
            assertThat(entry.getRequest().getIfNoneExist()).startsWith("identifier=");
            assertThat(conditions.add(entry.getRequest().getUrl() + "?"
                            + entry.getRequest().getIfNoneExist()))
                    .isTrue();
        }
        assertThat(DemoDataGenerator.resourceCountsByType(shared))
                .containsKeys("Organization", "Location", "Practitioner", "PractitionerRole", "Schedule", "Slot");
    }

    @Test
    void practitionersAreCreatedConditionallyOnTheirGmcNumber() {
        Bundle shared = new DemoDataGenerator(1, LocalDate.of(2025, 3, 17)).sharedResources();
        List<BundleEntryComponent> practitioners = shared.getEntry().stream()
                .filter(entry -> entry.getResource() instanceof Practitioner)
                .toList();

        assertThat(practitioners).isNotEmpty().allSatisfy(entry -> {
            String gmcNumber =
                    ((Practitioner) entry.getResource()).getIdentifierFirstRep().getValue();
            assertThat(gmcNumber).matches("[0-9]{7}");
            assertThat(entry.getRequest().getIfNoneExist())
                    .isEqualTo("identifier=" + DemoDataGenerator.GMC_SYSTEM + "|" + gmcNumber);
        });
    }

    private static double busyShare(List<Slot> slots, LocalDate today, int fromDay, int toDay) {
        List<Slot> window = slots.stream()
                .filter(slot -> {
                    LocalDate day = OffsetDateTime.parse(slot.getStartElement().getValueAsString())
                            .toLocalDate();
                    return day.isAfter(today.plusDays(fromDay)) && !day.isAfter(today.plusDays(toDay));
                })
                .toList();
        return window.stream()
                        .filter(slot -> slot.getStatus() == Slot.SlotStatus.BUSY)
                        .count()
                / (double) window.size();
    }

    private static List<Slot> slots(Bundle bundle) {
        return bundle.getEntry().stream()
                .map(BundleEntryComponent::getResource)
                .filter(Slot.class::isInstance)
                .map(Slot.class::cast)
                .toList();
    }
}
