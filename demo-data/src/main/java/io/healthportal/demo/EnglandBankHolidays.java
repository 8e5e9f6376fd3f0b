package io.healthportal.demo;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.temporal.TemporalAdjusters;
import java.util.Set;

/**
 * The regular bank holidays of England and Wales with their substitute days. One-off changes made by
 * proclamation (a moved May holiday, a jubilee or a coronation) are not modelled.
 */
final class EnglandBankHolidays {

    private EnglandBankHolidays() {}

    static boolean isWorkingDay(LocalDate date) {
        DayOfWeek day = date.getDayOfWeek();
        return day != DayOfWeek.SATURDAY
                && day != DayOfWeek.SUNDAY
                && !of(date.getYear()).contains(date);
    }

    static Set<LocalDate> of(int year) {
        LocalDate easterSunday = easterSunday(year);
        LocalDate newYear = LocalDate.of(year, Month.JANUARY, 1);
        LocalDate may = LocalDate.of(year, Month.MAY, 1);
        LocalDate august = LocalDate.of(year, Month.AUGUST, 1);
        LocalDate christmas = LocalDate.of(year, Month.DECEMBER, 25);
        LocalDate[] christmasAndBoxingDay = switch (christmas.getDayOfWeek()) {
            case FRIDAY -> new LocalDate[] {christmas, christmas.plusDays(3)};
            case SATURDAY -> new LocalDate[] {christmas.plusDays(2), christmas.plusDays(3)};
            case SUNDAY -> new LocalDate[] {christmas.plusDays(1), christmas.plusDays(2)};
            default -> new LocalDate[] {christmas, christmas.plusDays(1)};
        };
        return Set.of(
                weekdayOnOrAfter(newYear),
                easterSunday.minusDays(2),
                easterSunday.plusDays(1),
                may.with(TemporalAdjusters.firstInMonth(DayOfWeek.MONDAY)),
                may.with(TemporalAdjusters.lastInMonth(DayOfWeek.MONDAY)),
                august.with(TemporalAdjusters.lastInMonth(DayOfWeek.MONDAY)),
                christmasAndBoxingDay[0],
                christmasAndBoxingDay[1]);
    }

    /** Easter Sunday in the Gregorian calendar (the anonymous algorithm of Meeus/Jones/Butcher). */
    static LocalDate easterSunday(int year) {
        int a = year % 19;
        int b = year / 100;
        int c = year % 100;
        int d = b / 4;
        int e = b % 4;
        int f = (b + 8) / 25;
        int g = (b - f + 1) / 3;
        int h = (19 * a + b - d - g + 15) % 30;
        int i = c / 4;
        int k = c % 4;
        int l = (32 + 2 * e + 2 * i - h - k) % 7;
        int m = (a + 11 * h + 22 * l) / 451;
        int month = (h + l - 7 * m + 114) / 31;
        int day = ((h + l - 7 * m + 114) % 31) + 1;
        return LocalDate.of(year, month, day);
    }

    private static LocalDate weekdayOnOrAfter(LocalDate date) {
        return switch (date.getDayOfWeek()) {
            case SATURDAY -> date.plusDays(2);
            case SUNDAY -> date.plusDays(1);
            default -> date;
        };
    }
}
