package io.healthportal.demo;

/** Vaccines of the adult NHS programme, as SNOMED CT vaccine products. */
enum Vaccine {
    INFLUENZA("1181000221105", "Influenza virus antigen only vaccine product"),
    COVID_19_MRNA("1119349007", "SARS-CoV-2 mRNA vaccine"),
    PNEUMOCOCCAL("836398006", "Pneumococcal vaccine"),
    SHINGLES("836495005", "Human alphaherpesvirus 3 antigen-containing vaccine product");

    final String snomedCode;
    final String display;

    Vaccine(String snomedCode, String display) {
        this.snomedCode = snomedCode;
        this.display = display;
    }
}
