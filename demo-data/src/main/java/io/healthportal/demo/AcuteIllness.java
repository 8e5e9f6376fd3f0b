package io.healthportal.demo;

/** Short illnesses: the ones seen in general practice and the ones that lead to an admission. */
enum AcuteIllness {
    UPPER_RESPIRATORY_INFECTION("54150009", "Upper respiratory infection", false, true),
    ACUTE_BRONCHITIS("10509002", "Acute bronchitis", false, true),
    LOW_BACK_PAIN("279039007", "Low back pain", false, false),
    PNEUMONIA("233604007", "Pneumonia", true, true),
    CELLULITIS("128045006", "Cellulitis", true, true),
    URINARY_TRACT_INFECTION("68566005", "Urinary tract infectious disease", true, true);

    final String snomedCode;
    final String display;
    final boolean needsAdmission;
    final boolean febrile;

    AcuteIllness(String snomedCode, String display, boolean needsAdmission, boolean febrile) {
        this.snomedCode = snomedCode;
        this.display = display;
        this.needsAdmission = needsAdmission;
        this.febrile = febrile;
    }
}
