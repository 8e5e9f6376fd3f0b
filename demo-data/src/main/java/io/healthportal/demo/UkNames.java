package io.healthportal.demo;

import java.util.List;
import java.util.Random;

/** Common given names and surnames in England, weighted only by how often a name is listed. */
final class UkNames {

    private static final List<String> FEMALE =
            words("Olivia Amelia Isla Ava Emily Sophie Grace Jessica Charlotte Hannah Sarah Emma Rebecca "
                    + "Laura Rachel Claire Helen Karen Susan Margaret Patricia Jean Joan Dorothy Elizabeth Mary "
                    + "Priya Aisha Fatima Zainab Anjali Siobhan Niamh Catrin Eilidh Agnieszka Amina Chloe Lucy "
                    + "Joanne Nicola Julie Alison Brenda Sandra Gemma Kirsty Shabana");

    private static final List<String> MALE =
            words("Oliver George Harry Jack Jacob Noah Charlie Thomas James William Daniel Matthew David "
                    + "Andrew Paul Mark Stephen Michael Peter John Robert Brian Kenneth Derek Mohammed Imran "
                    + "Arjun Rajesh Tariq Kwame Callum Rhys Connor Piotr Samuel Joseph Ryan Liam Gareth Neil "
                    + "Graham Keith Trevor Adeel Hamza Craig Lee Dean");

    private static final List<String> SURNAMES =
            words("Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson "
                    + "Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson "
                    + "Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan "
                    + "Allen Scott Phillips Watson Parker Price Bennett Young Griffiths Mitchell Kelly Cook "
                    + "Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall "
                    + "Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray "
                    + "Mason Ali Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd "
                    + "Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey Ahmed Okafor Kowalski "
                    + "Nowak Sutcliffe Ackroyd Holroyd Crowther Haigh Illingworth Mahmood Mistry O'Brien "
                    + "MacDonald");

    private UkNames() {}

    static String given(Random random, boolean female) {
        return pick(random, female ? FEMALE : MALE);
    }

    static String surname(Random random) {
        return pick(random, SURNAMES);
    }

    private static List<String> words(String spaceSeparated) {
        return List.of(spaceSeparated.split(" +"));
    }

    static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
