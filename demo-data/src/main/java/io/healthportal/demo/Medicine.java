package io.healthportal.demo;

/**
 * Repeat medicines as dm+d virtual medicinal products (VMPs), with the instructions and 28-day
 * quantities a GP would typically issue.
 */
enum Medicine {
    METFORMIN(
            "325278007",
            "Metformin 500mg tablets",
            "Take one tablet twice a day with meals",
            2,
            false,
            Form.TABLET,
            1,
            1,
            56,
            28),
    AMLODIPINE(
            "319283006", "Amlodipine 5mg tablets", "Take one tablet once a day", 1, false, Form.TABLET, 1, 1, 28, 28),
    RAMIPRIL(
            "318906001", "Ramipril 10mg capsules", "Take one capsule once a day", 1, false, Form.CAPSULE, 1, 1, 28, 28),
    ATORVASTATIN(
            "320000009", "Atorvastatin 20mg tablets", "Take one tablet at night", 1, false, Form.TABLET, 1, 1, 28, 28),
    SALBUTAMOL(
            "39113611000001102",
            "Salbutamol 100micrograms/dose inhaler CFC free",
            "Inhale two puffs up to four times a day when required",
            4,
            true,
            Form.INHALER_DOSE,
            2,
            2,
            200,
            56),
    LEVOTHYROXINE(
            "374296008",
            "Levothyroxine sodium 100microgram tablets",
            "Take one tablet each morning before breakfast",
            1,
            false,
            Form.TABLET,
            1,
            1,
            28,
            28),
    PARACETAMOL(
            "322236009",
            "Paracetamol 500mg tablets",
            "Take one or two tablets up to four times a day when required for pain",
            4,
            true,
            Form.TABLET,
            1,
            2,
            100,
            28);

    /** The unit of presentation, as SNOMED CT codes it where it has one. */
    enum Form {
        TABLET("tablet", "428673006", "Tablet (unit of presentation)", "26643006", "Oral route"),
        CAPSULE("capsule", "428641000", "Capsule (unit of presentation)", "26643006", "Oral route"),
        INHALER_DOSE("dose", null, null, "447694001", "Respiratory tract route");

        final String unit;
        final String snomedUnitCode;
        final String snomedUnitDisplay;
        final String routeCode;
        final String routeDisplay;

        Form(String unit, String snomedUnitCode, String snomedUnitDisplay, String routeCode, String routeDisplay) {
            this.unit = unit;
            this.snomedUnitCode = snomedUnitCode;
            this.snomedUnitDisplay = snomedUnitDisplay;
            this.routeCode = routeCode;
            this.routeDisplay = routeDisplay;
        }
    }

    final String dmdCode;
    final String display;
    final String instructions;
    final int timesPerDay;
    final boolean asNeeded;
    final Form form;
    final int dose;
    final int maxDose;
    final int quantity;
    final int supplyDays;

    Medicine(
            String dmdCode,
            String display,
            String instructions,
            int timesPerDay,
            boolean asNeeded,
            Form form,
            int dose,
            int maxDose,
            int quantity,
            int supplyDays) {
        this.dmdCode = dmdCode;
        this.display = display;
        this.instructions = instructions;
        this.timesPerDay = timesPerDay;
        this.asNeeded = asNeeded;
        this.form = form;
        this.dose = dose;
        this.maxDose = maxDose;
        this.quantity = quantity;
        this.supplyDays = supplyDays;
    }
}
