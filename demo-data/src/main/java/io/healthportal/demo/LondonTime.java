package io.healthportal.demo;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.InstantType;

/**
 * Writes wall-clock times in Europe/London as FHIR date-times carrying the offset in force on that
 * day ({@code +00:00} in winter, {@code +01:00} in summer), independent of the JVM's default zone.
 *
 * <p>HAPI keeps the text a primitive was created from, so building primitives from strings is what
 * makes the output byte-identical on every machine.
 */
final class LondonTime {

    static final ZoneId LONDON = ZoneId.of("Europe/London");

    // "xxx" prints +00:00 rather than Z, so the winter offset reads like the summer one.
    private static final DateTimeFormatter OFFSET_DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx");

    private LondonTime() {}

    /** The wall-clock time in London with its offset; a time skipped by the spring change moves forward. */
    static String format(LocalDateTime wallClock) {
        return wallClock.atZone(LONDON).format(OFFSET_DATE_TIME);
    }

    static DateTimeType dateTime(LocalDateTime wallClock) {
        return new DateTimeType(format(wallClock));
    }

    static InstantType instant(LocalDateTime wallClock) {
        return new InstantType(format(wallClock));
    }

    static DateType date(LocalDate date) {
        return new DateType(date.toString());
    }

    static DateTimeType dateOnly(LocalDate date) {
        return new DateTimeType(date.toString());
    }
}
