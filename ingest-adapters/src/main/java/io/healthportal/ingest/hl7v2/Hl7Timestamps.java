package io.healthportal.ingest.hl7v2;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.TimeZone;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;

/**
 * HL7 v2 DTM/TS values ({@code YYYY[MM[DD[HH[MM[SS[.S+]]]]]][+/-ZZZZ]}) as FHIR dates and date-times,
 * keeping their precision. A time without a zone is in the partner's configured zone; in the hour that
 * repeats when clocks go back the earlier (summer-time) offset is taken, as {@link
 * ZonedDateTime#ofLocal} does; in the hour that is skipped when they go forward, the time is moved
 * forward by the length of the gap.
 */
public final class Hl7Timestamps {

    private static final Pattern DTM =
            Pattern.compile("(\\d{4})(\\d{2})?(\\d{2})?(\\d{2})?(\\d{2})?(\\d{2})?(?:\\.(\\d{1,4}))?([+-]\\d{4})?");

    private Hl7Timestamps() {}

    /** The value as a FHIR dateTime, or null when empty; throws when it is not a DTM. */
    public static DateTimeType dateTime(String value, ZoneId partnerZone) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Matcher m = DTM.matcher(value.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not an HL7 v2 timestamp");
        }
        int year = Integer.parseInt(m.group(1));
        if (m.group(2) == null) {
            return new DateTimeType(String.format("%04d", year));
        }
        int month = Integer.parseInt(m.group(2));
        if (m.group(3) == null) {
            return new DateTimeType(String.format("%04d-%02d", year, month));
        }
        int day = Integer.parseInt(m.group(3));
        if (m.group(4) == null) {
            return new DateTimeType(String.format("%04d-%02d-%02d", year, month, day));
        }
        int hour = Integer.parseInt(m.group(4));
        // FHIR has no hour-only precision: an hour means the start of that hour.
        int minute = m.group(5) == null ? 0 : Integer.parseInt(m.group(5));
        int second = m.group(6) == null ? 0 : Integer.parseInt(m.group(6));
        int nanos = m.group(7) == null ? 0 : Integer.parseInt((m.group(7) + "000000000").substring(0, 9));
        LocalDateTime local = LocalDateTime.of(year, month, day, hour, minute, second, nanos);
        ZonedDateTime zoned = m.group(8) != null
                ? local.atOffset(ZoneOffset.of(m.group(8))).toZonedDateTime()
                : ZonedDateTime.ofLocal(local, partnerZone, null);
        TemporalPrecisionEnum precision = m.group(7) != null
                ? TemporalPrecisionEnum.MILLI
                // FHIR's dateTime has no minute precision: a time without seconds gets ":00".
                : TemporalPrecisionEnum.SECOND;
        DateTimeType result = new DateTimeType(Date.from(zoned.toInstant()), precision);
        result.setTimeZone(TimeZone.getTimeZone(zoned.getOffset()));
        return result;
    }

    /** The date part of a DTM (birth dates), or null when empty. */
    public static DateType date(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Matcher m = DTM.matcher(value.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not an HL7 v2 date");
        }
        StringBuilder text = new StringBuilder(m.group(1));
        if (m.group(2) != null) {
            text.append('-').append(m.group(2));
            if (m.group(3) != null) {
                text.append('-').append(m.group(3));
            }
        }
        return new DateType(text.toString());
    }
}
