package io.healthportal.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class EnglandBankHolidaysTest {

    @Test
    void knowsTheBankHolidaysOf2025() {
        assertThat(EnglandBankHolidays.of(2025))
                .containsExactlyInAnyOrder(
                        LocalDate.of(2025, 1, 1),
                        LocalDate.of(2025, 4, 18),
                        LocalDate.of(2025, 4, 21),
                        LocalDate.of(2025, 5, 5),
                        LocalDate.of(2025, 5, 26),
                        LocalDate.of(2025, 8, 25),
                        LocalDate.of(2025, 12, 25),
                        LocalDate.of(2025, 12, 26));
    }

    @Test
    void movesHolidaysThatFallAtAWeekendToTheNextWorkingDays() {
        // Christmas 2021 fell on a Saturday, Christmas 2022 and New Year 2023 on a Sunday.
        assertThat(EnglandBankHolidays.of(2021)).contains(LocalDate.of(2021, 12, 27), LocalDate.of(2021, 12, 28));
        assertThat(EnglandBankHolidays.of(2022)).contains(LocalDate.of(2022, 12, 26), LocalDate.of(2022, 12, 27));
        assertThat(EnglandBankHolidays.of(2023)).contains(LocalDate.of(2023, 1, 2));
        assertThat(EnglandBankHolidays.isWorkingDay(LocalDate.of(2023, 1, 3))).isTrue();
    }

    @Test
    void findsEasterSunday() {
        assertThat(EnglandBankHolidays.easterSunday(2024)).isEqualTo(LocalDate.of(2024, 3, 31));
        assertThat(EnglandBankHolidays.easterSunday(2025)).isEqualTo(LocalDate.of(2025, 4, 20));
        assertThat(EnglandBankHolidays.easterSunday(2038)).isEqualTo(LocalDate.of(2038, 4, 25));
    }
}
