package io.healthportal.ingest.ccda;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UcumUnitsTest {

    @Test
    void acceptsTheUnitsOfLabsAndVitalSigns() {
        for (String unit : new String[] {
            "mmol/L",
            "mg/dL",
            "10*3/uL",
            "ul",
            "kg/m2",
            "mm[Hg]",
            "/min",
            "{beats}/min",
            "%",
            "mL/min/{1.73_m2}",
            "[in_i]",
            "[lb_av]",
            "Cel",
            "[degF]",
            "g/dL",
            "fL",
            "pg",
            "U/L",
            "[IU]/L",
            "1",
            "kg.m-2"
        }) {
            assertThat(UcumUnits.isUcum(unit)).as(unit).isTrue();
        }
    }

    @Test
    void refusesUnitsThatAreNotUcum() {
        for (String unit : new String[] {"10+3/ul", "mg/actuat", "mmHg", "beats per minute", "", "x10^9/L"}) {
            assertThat(UcumUnits.isUcum(unit)).as(unit).isFalse();
        }
    }
}
