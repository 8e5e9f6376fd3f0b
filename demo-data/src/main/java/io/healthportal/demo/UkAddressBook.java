package io.healthportal.demo;

import java.util.List;
import java.util.Random;

/**
 * Towns, streets, postcodes and telephone numbers in real UK formats. Telephone numbers come only
 * from the ranges Ofcom reserves for drama, which are never allocated to a subscriber.
 */
final class UkAddressBook {

    /** A town, its postcode area and districts, and the drama landline range for its dialling code. */
    record Town(
            String name,
            String county,
            String postcodeArea,
            int firstDistrict,
            int lastDistrict,
            String dramaLandlinePrefix) {}

    /** A postal address; {@code lines} holds the flat and street lines. */
    record Address(List<String> lines, Town town, String postcode) {}

    // Ofcom drama ranges: 0113 496 0000-0999 (Leeds), 0114 496 (Sheffield), 0191 498 (Tyneside);
    // 01632 960000-960999 has no geographic area and stands in for towns without their own range.
    private static final String NO_AREA_DRAMA_PREFIX = "01632 960";

    // Repeated entries weight the draw towards the towns the demo clinics serve.
    private static final List<Town> TOWNS = List.of(
            new Town("Leeds", "West Yorkshire", "LS", 1, 28, "0113 496 0"),
            new Town("Leeds", "West Yorkshire", "LS", 1, 28, "0113 496 0"),
            new Town("Leeds", "West Yorkshire", "LS", 1, 28, "0113 496 0"),
            new Town("Otley", "West Yorkshire", "LS", 21, 21, NO_AREA_DRAMA_PREFIX),
            new Town("Ilkley", "West Yorkshire", "LS", 29, 29, NO_AREA_DRAMA_PREFIX),
            new Town("Bradford", "West Yorkshire", "BD", 1, 18, NO_AREA_DRAMA_PREFIX),
            new Town("Bradford", "West Yorkshire", "BD", 1, 18, NO_AREA_DRAMA_PREFIX),
            new Town("Wakefield", "West Yorkshire", "WF", 1, 4, NO_AREA_DRAMA_PREFIX),
            new Town("Huddersfield", "West Yorkshire", "HD", 1, 8, NO_AREA_DRAMA_PREFIX),
            new Town("Halifax", "West Yorkshire", "HX", 1, 7, NO_AREA_DRAMA_PREFIX),
            new Town("Harrogate", "North Yorkshire", "HG", 1, 3, NO_AREA_DRAMA_PREFIX),
            new Town("Sheffield", "South Yorkshire", "S", 1, 36, "0114 496 0"),
            new Town("Newcastle upon Tyne", "Tyne and Wear", "NE", 1, 15, "0191 498 0"));

    private static final List<String> STREETS = List.of(
            "High Street",
            "Station Road",
            "Church Lane",
            "Victoria Road",
            "Park Avenue",
            "Mill Lane",
            "Queen Street",
            "Chapel Street",
            "Manor Road",
            "Westfield Road",
            "Moorland View",
            "Beech Grove",
            "Oak Terrace",
            "Woodhouse Lane",
            "Kirkstall Road",
            "Otley Road",
            "Wakefield Road",
            "York Road",
            "Bradford Road",
            "Springfield Mount",
            "Grange Avenue",
            "Meadow Close",
            "Cliffe Terrace",
            "Albert Street",
            "Hollin Lane",
            "Moor Road",
            "Town Street",
            "Back Lane",
            "Ravensworth Way",
            "Sycamore Drive",
            "Heathfield Crescent",
            "Lidgett Lane",
            "Cardigan Road",
            "Chestnut Avenue",
            "Prospect Place");

    // Letters never used in the inward code of a postcode: C, I, K, M, O and V.
    private static final String INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ";

    private UkAddressBook() {}

    static Address homeAddress(Random random) {
        Town town = UkNames.pick(random, TOWNS);
        String street = (1 + random.nextInt(180)) + " " + UkNames.pick(random, STREETS);
        List<String> lines =
                random.nextInt(8) == 0 ? List.of("Flat " + (1 + random.nextInt(12)), street) : List.of(street);
        return new Address(lines, town, postcode(random, town));
    }

    static String postcode(Random random, Town town) {
        int district = town.firstDistrict() + random.nextInt(town.lastDistrict() - town.firstDistrict() + 1);
        return town.postcodeArea()
                + district
                + " "
                + random.nextInt(10)
                + INWARD_LETTERS.charAt(random.nextInt(INWARD_LETTERS.length()))
                + INWARD_LETTERS.charAt(random.nextInt(INWARD_LETTERS.length()));
    }

    /** A mobile number from Ofcom's drama range 07700 900000 to 07700 900999. */
    static String mobile(Random random) {
        return String.format("07700 900%03d", random.nextInt(1000));
    }

    /** A landline from the town's drama range (or the no-area drama range). */
    static String landline(Random random, Town town) {
        return town.dramaLandlinePrefix() + String.format("%03d", random.nextInt(1000));
    }
}
