package io.healthportal.ingest.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.healthportal.ingest.pipeline.MappingException;
import io.healthportal.ingest.pipeline.SourceMessage;
import io.healthportal.ingest.testing.Corpus;
import io.healthportal.ingest.testing.R4Validation;
import io.healthportal.ingest.testing.RequiresCorpus;
import io.healthportal.ingest.testing.TestPartners;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

/**
 * Scores our HL7 v2 mapping against other converters' expected output for the corpus's gold pairs
 * ({@code gold/microsoft-FHIR-Converter/Hl7v2}, {@code gold/google-healthcare-data-harmonization/wstl1},
 * {@code gold/HL7-v2-to-fhir-IG}), for the message types we map.
 *
 * <p>Each expected resource of a type we write (see {@link #SCORED_TYPES}) is cut into facts: leaf
 * path and value ({@code Patient.name.family = EVERYMAN}, array positions left out, an extension's url kept
 * in its path). It is paired with the produced resource of the same type that shares most facts, and a
 * fact counts as matched when the pair shares it. Before comparing, both sides go through {@link
 * #normalised} (the reviewed list of what is not compared, each with its reason). The score per fixture
 * is matched over expected facts; the unmapped fields our mapper reports are listed beside it. Both are
 * committed in {@code src/test/resources/gold-scores.tsv}: the test fails when a score drops below it or
 * the unmapped list changes. Run with {@code -Dgold.update=true} to rewrite the file after a reviewed
 * improvement. Every produced bundle must also validate.
 *
 * <p>What we leave out on purpose is listed in {@code src/test/resources/gold-deviations.tsv}, a row per
 * deviation with its reason (see {@link Deviation}). Each fixture's score is also given with those
 * expected facts set aside; overall, with them set aside, ADT, ORU and VXU must score at least {@value
 * #REQUIRED_PERCENT}%. A row that no longer sets anything aside fails the test, so the list stays as short
 * as what we still leave out.
 */
@RequiresCorpus
class GoldScoringTest {

    /** Resource types our HL7 v2 mapping writes (its Provenance aside, which records something else). */
    static final Set<String> SCORED_TYPES = Set.of(
            "Patient",
            "Encounter",
            "AllergyIntolerance",
            "Condition",
            "Procedure",
            "ServiceRequest",
            "DiagnosticReport",
            "Observation",
            "Specimen",
            "Immunization",
            "MedicationRequest",
            "MedicationDispense",
            "Appointment",
            "Slot",
            "Schedule");

    /** Message types and triggers we map, as MSH-9.1^MSH-9.2. */
    private static final Set<String> MAPPED_EVENTS = Set.of(
            "ADT^A01", "ADT^A03", "ADT^A04", "ADT^A08", "ADT^A40", "ORU^R01", "VXU^V04", "RDE^O11", "RDS^O13",
            "SIU^S12", "SIU^S13", "SIU^S14", "SIU^S15", "SIU^S26");

    private static final Path SCORES = Path.of("src/test/resources/gold-scores.tsv");
    private static final Path DEVIATIONS = Path.of("src/test/resources/gold-deviations.tsv");

    /** The overall score, accepted deviations set aside, that the message types of issue 4 must reach. */
    static final double REQUIRED_PERCENT = 90.0;

    private static final Set<String> REQUIRED_TYPES = Set.of("ADT", "ORU", "VXU");
    private static final Pattern DATE_TIME =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})");

    private final Hl7v2Format format = new Hl7v2Format();
    private final ObjectMapper json = new ObjectMapper();

    record Fixture(String name, String messageType, String input, String expected) {}

    /**
     * A fixture's score: matched over expected facts; {@code accepted} of the expected facts are set aside by
     * accepted deviations (and none of them is matched).
     */
    record Score(String fixture, String messageType, int matched, int expected, int accepted, String unmapped) {
        double percent() {
            return expected == 0 ? 100.0 : 100.0 * matched / expected;
        }

        double percentWithDeviations() {
            return expected - accepted == 0 ? 100.0 : 100.0 * matched / (expected - accepted);
        }

        String line() {
            return String.join(
                    "\t",
                    fixture,
                    messageType,
                    Integer.toString(matched),
                    Integer.toString(expected),
                    String.format(java.util.Locale.ROOT, "%.1f", percent()),
                    Integer.toString(accepted),
                    String.format(java.util.Locale.ROOT, "%.1f", percentWithDeviations()),
                    unmapped);
        }
    }

    /**
     * A row of {@code gold-deviations.tsv}: expected facts of some fixtures that our mapping leaves out on
     * purpose, and why. {@code fixtures} and {@code what} are globs ({@code *} any characters, {@code {a,b}}
     * alternatives, which may nest). {@code what} is either {@code Type[fact]}, every expected resource of
     * that type holding a fact (path without the type, {@code =value}) that the glob matches, set aside
     * whole (a resource we do not write), or a fact ({@code Type.path=value}) set aside wherever it is left
     * unmatched.
     */
    record Deviation(Pattern fixtures, Pattern type, Pattern facts, String row, String reason) {

        private static final Pattern RESOURCE = Pattern.compile("([A-Za-z{},]+)\\[(.*)]");

        static Deviation parse(String line) {
            String[] cells = line.split("\t", -1);
            if (cells.length != 3 || cells[2].isBlank()) {
                throw new IllegalArgumentException("a deviation is fixtures, what and a reason: " + line);
            }
            java.util.regex.Matcher resource = RESOURCE.matcher(cells[1]);
            return resource.matches()
                    ? new Deviation(glob(cells[0]), glob(resource.group(1)), glob(resource.group(2)), line, cells[2])
                    : new Deviation(glob(cells[0]), null, glob(cells[1]), line, cells[2]);
        }

        boolean appliesTo(Fixture fixture) {
            return fixtures.matcher(fixture.name()).matches();
        }

        /** Whether this sets aside the whole expected resource of {@code type} with these facts. */
        boolean setsAside(String resourceType, Map<String, Integer> facts) {
            return type != null
                    && type.matcher(resourceType).matches()
                    && facts.keySet().stream()
                            .anyMatch(f -> this.facts
                                    .matcher(f.substring(resourceType.length() + 1))
                                    .matches());
        }

        /** Whether this sets aside the fact wherever it is left unmatched. */
        boolean accepts(String fact) {
            return type == null && facts.matcher(fact).matches();
        }

        static Pattern glob(String glob) {
            return Pattern.compile(regex(glob), Pattern.DOTALL);
        }

        private static String regex(String glob) {
            StringBuilder regex = new StringBuilder();
            for (int i = 0; i < glob.length(); i++) {
                char c = glob.charAt(i);
                if (c == '*') {
                    regex.append(".*");
                } else if (c == '{') {
                    int depth = 0;
                    int start = i + 1;
                    List<String> alternatives = new ArrayList<>();
                    for (int j = i; ; j++) {
                        char d = glob.charAt(j);
                        if (d == '{') {
                            depth++;
                        } else if (d == '}' && --depth == 0) {
                            alternatives.add(glob.substring(start, j));
                            i = j;
                            break;
                        } else if (d == ',' && depth == 1) {
                            alternatives.add(glob.substring(start, j));
                            start = j + 1;
                        }
                    }
                    regex.append("(?:")
                            .append(String.join(
                                    "|",
                                    alternatives.stream().map(Deviation::regex).toList()))
                            .append(')');
                } else {
                    regex.append(Pattern.quote(String.valueOf(c)));
                }
            }
            return regex.toString();
        }
    }

    @Test
    void everyGoldFixtureScoresAtLeastItsCommittedScoreAndValidates() throws Exception {
        List<Score> scores = new ArrayList<>();
        Map<String, Map<String, Integer>> missedPaths = new TreeMap<>();
        List<Deviation> deviations = deviations();
        Map<Deviation, Integer> setAside = new HashMap<>();
        for (Fixture fixture : fixtures()) {
            scores.add(score(fixture, deviations, setAside, missedPaths));
        }
        report(scores, missedPaths);
        assertThat(deviations)
                .as("accepted deviations that no longer set anything aside (delete them)")
                .allMatch(setAside::containsKey);
        for (String type : REQUIRED_TYPES) {
            int matched = 0;
            int counted = 0;
            for (Score score : scores) {
                if (score.messageType().equals(type)) {
                    matched += score.matched();
                    counted += score.expected() - score.accepted();
                }
            }
            assertThat(100.0 * matched / counted)
                    .as("overall score of %s with the accepted deviations set aside", type)
                    .isGreaterThanOrEqualTo(REQUIRED_PERCENT);
        }
        if (Boolean.getBoolean("gold.update")) {
            List<String> lines = new ArrayList<>();
            lines.add("# fixture\tmessage type\tmatched facts\texpected facts\tscore %"
                    + "\texpected facts set aside by gold-deviations.tsv\tscore % with them set aside"
                    + "\tunmapped (our mapper's report)");
            scores.forEach(s -> lines.add(s.line()));
            Files.createDirectories(SCORES.getParent());
            Files.write(SCORES, lines, StandardCharsets.UTF_8);
            return;
        }
        Map<String, String[]> committed = new HashMap<>();
        for (String line : Files.readAllLines(SCORES, StandardCharsets.UTF_8)) {
            if (!line.startsWith("#") && !line.isBlank()) {
                String[] cells = line.split("\t", -1);
                committed.put(cells[0], cells);
            }
        }
        for (Score score : scores) {
            String[] was = committed.get(score.fixture());
            assertThat(was).as("committed score of %s", score.fixture()).isNotNull();
            assertThat(score.percent())
                    .as("score of %s", score.fixture())
                    .isGreaterThanOrEqualTo(Double.parseDouble(was[4]) - 0.05);
            assertThat(score.percentWithDeviations())
                    .as("score of %s with the accepted deviations set aside", score.fixture())
                    .isGreaterThanOrEqualTo(Double.parseDouble(was[6]) - 0.05);
            assertThat(score.unmapped())
                    .as("unmapped fields of %s", score.fixture())
                    .isEqualTo(was[7]);
        }
        assertThat(scores).hasSize(committed.size());
    }

    @Test
    void acceptedDeviationsSetAsideWholeResourcesOrSingleFactsByGlob() {
        Deviation resources =
                Deviation.parse("gold/a/*.hl7\tObservation[code.coding.code={autopsy,coroner}]\tnot in the IG");
        Deviation facts = Deviation.parse("gold/{a,b}/*\t{Patient.telecom.use=*,Patient.active=true}\tour choice");
        Fixture inA = new Fixture("gold/a/x.hl7", "ADT", "gold/a/x.hl7", "gold/a/x.json");
        Fixture inC = new Fixture("gold/c/x.hl7", "ADT", "gold/c/x.hl7", "gold/c/x.json");
        assertThat(resources.appliesTo(inA)).isTrue();
        assertThat(facts.appliesTo(inC)).isFalse();
        assertThat(resources.setsAside("Observation", Map.of("Observation.code.coding.code=autopsy", 1)))
                .isTrue();
        assertThat(resources.setsAside("Observation", Map.of("Observation.code.coding.code=8867-4", 1)))
                .isFalse();
        assertThat(resources.setsAside("Procedure", Map.of("Procedure.code.coding.code=autopsy", 1)))
                .isFalse();
        assertThat(resources.accepts("Observation.code.coding.code=autopsy")).isFalse();
        assertThat(facts.accepts("Patient.telecom.use=home")).isTrue();
        assertThat(facts.accepts("Patient.active=false")).isFalse();
        assertThat(facts.accepts("Patient.name.use=home")).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Deviation.parse("gold/a/*\tPatient.active=true"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void factsAreComparedByMeaning() {
        Map<String, Integer> facts = new HashMap<>();
        JsonNode resource = new ObjectMapper()
                .createObjectNode()
                .put("resourceType", "Observation")
                .put("id", "x")
                .put("effectiveDateTime", "2021-09-24T12:45:00+05:30");
        ((com.fasterxml.jackson.databind.node.ObjectNode) resource)
                .putObject("valueQuantity")
                .put("value", new BigDecimal("4.50"))
                .put("system", "http://example.com/v2-to-fhir-converter/CodeSystem/ISO");
        collect(resource, "Observation", facts);
        // The same instant whatever the offset; 4.50 is 4.5; the converter's invented system is not compared.
        assertThat(facts)
                .containsOnlyKeys(
                        "Observation.effectiveDateTime=2021-09-24T07:15:00Z", "Observation.valueQuantity.value=4.5");
    }

    private Score score(
            Fixture fixture,
            List<Deviation> deviations,
            Map<Deviation, Integer> setAside,
            Map<String, Map<String, Integer>> missedPaths)
            throws IOException {
        List<Deviation> applying =
                deviations.stream().filter(d -> d.appliesTo(fixture)).toList();
        String message = Corpus.read(fixture.input());
        Bundle produced;
        String unmapped;
        try {
            Hl7v2Format.Conversion conversion = format.convert(
                    message,
                    new SourceMessage(
                            TestPartners.LAB,
                            UUID.nameUUIDFromBytes(fixture.name().getBytes(StandardCharsets.UTF_8)),
                            java.time.Instant.parse("2026-11-26T10:00:00Z")));
            produced = conversion.bundle();
            unmapped = String.join(",", new java.util.TreeSet<>(conversion.unmapped()));
        } catch (MappingException e) {
            produced = new Bundle();
            unmapped = "dead letter " + e.code();
        }
        assertThat(R4Validation.errors(produced))
                .as("validation of %s", fixture.name())
                .isEmpty();

        List<JsonNode> ours = resources(
                json.readTree(FhirContext.forR4Cached().newJsonParser().encodeResourceToString(produced)));
        List<JsonNode> theirs = resources(json.readTree(Corpus.read(fixture.expected())));
        int matched = 0;
        int expected = 0;
        int accepted = 0;
        Map<String, Integer> unmatched = new HashMap<>();
        for (String type : SCORED_TYPES) {
            List<Map<String, Integer>> expectedFacts = new ArrayList<>();
            for (Map<String, Integer> facts : facts(theirs, type)) {
                int count = facts.values().stream().mapToInt(Integer::intValue).sum();
                expected += count;
                Deviation aside = applying.stream()
                        .filter(d -> d.setsAside(type, facts))
                        .findFirst()
                        .orElse(null);
                if (aside != null) {
                    accepted += count;
                    setAside.merge(aside, count, Integer::sum);
                } else {
                    expectedFacts.add(facts);
                }
            }
            List<Map<String, Integer>> producedFacts = facts(ours, type);
            // Greedy pairing: the pair sharing most facts first, each resource used once.
            boolean[] expectedUsed = new boolean[expectedFacts.size()];
            boolean[] producedUsed = new boolean[producedFacts.size()];
            while (true) {
                int best = -1;
                int bestE = -1;
                int bestP = -1;
                for (int e = 0; e < expectedFacts.size(); e++) {
                    for (int p = 0; p < producedFacts.size(); p++) {
                        if (!expectedUsed[e] && !producedUsed[p]) {
                            int shared = shared(expectedFacts.get(e), producedFacts.get(p));
                            if (shared > best) {
                                best = shared;
                                bestE = e;
                                bestP = p;
                            }
                        }
                    }
                }
                if (bestE < 0) {
                    break;
                }
                expectedUsed[bestE] = true;
                producedUsed[bestP] = true;
                matched += best;
                missed(expectedFacts.get(bestE), producedFacts.get(bestP), unmatched);
            }
            for (int e = 0; e < expectedFacts.size(); e++) {
                if (!expectedUsed[e]) {
                    missed(expectedFacts.get(e), Map.of(), unmatched);
                }
            }
        }
        // -Dgold.explain=<part of a fixture's name> prints that fixture's unmatched facts with their values.
        String explain = System.getProperty("gold.explain");
        for (var fact : new TreeMap<>(unmatched).entrySet()) {
            Deviation deviation = applying.stream()
                    .filter(d -> d.accepts(fact.getKey()))
                    .findFirst()
                    .orElse(null);
            if (deviation != null) {
                accepted += fact.getValue();
                setAside.merge(deviation, fact.getValue(), Integer::sum);
                continue;
            }
            if (explain != null && fixture.name().contains(explain)) {
                System.out.println("GOLD-UNMATCHED " + fixture.name() + " " + fact.getKey() + " x" + fact.getValue());
            }
            String path = fact.getKey().substring(0, fact.getKey().indexOf('='));
            missedPaths
                    .computeIfAbsent(fixture.messageType(), k -> new TreeMap<>())
                    .merge(path, fact.getValue(), Integer::sum);
        }
        return new Score(fixture.name(), fixture.messageType(), matched, expected, accepted, unmapped);
    }

    /** The committed accepted deviations. */
    private static List<Deviation> deviations() throws IOException {
        List<Deviation> deviations = new ArrayList<>();
        for (String line : Files.readAllLines(DEVIATIONS, StandardCharsets.UTF_8)) {
            if (!line.startsWith("#") && !line.isBlank()) {
                deviations.add(Deviation.parse(line));
            }
        }
        return deviations;
    }

    /** Adds the expected facts the produced resource paired with it lacks (with how many are lacking). */
    private static void missed(
            Map<String, Integer> expected, Map<String, Integer> produced, Map<String, Integer> unmatched) {
        for (var fact : expected.entrySet()) {
            int lost = fact.getValue() - Math.min(fact.getValue(), produced.getOrDefault(fact.getKey(), 0));
            if (lost > 0) {
                unmatched.merge(fact.getKey(), lost, Integer::sum);
            }
        }
    }

    private static int shared(Map<String, Integer> a, Map<String, Integer> b) {
        int shared = 0;
        for (var fact : a.entrySet()) {
            shared += Math.min(fact.getValue(), b.getOrDefault(fact.getKey(), 0));
        }
        return shared;
    }

    private static List<JsonNode> resources(JsonNode bundle) {
        List<JsonNode> resources = new ArrayList<>();
        for (JsonNode entry : bundle.path("entry")) {
            if (entry.has("resource")) {
                resources.add(entry.get("resource"));
            }
        }
        return resources;
    }

    private static List<Map<String, Integer>> facts(List<JsonNode> resources, String type) {
        List<Map<String, Integer>> all = new ArrayList<>();
        for (JsonNode resource : resources) {
            if (type.equals(resource.path("resourceType").asText())) {
                Map<String, Integer> facts = new HashMap<>();
                collect(resource, type, facts);
                all.add(facts);
            }
        }
        return all;
    }

    /**
     * The reviewed normalisation list: what is left out of the comparison, and why.
     *
     * <ul>
     *   <li>{@code id}, {@code meta}, {@code text}: assigned by each converter (ours by hapi-server).
     *   <li>{@code reference}: each converter names resources its own way (ours are name-based
     *       {@code urn:uuid}s); that references point at the right entry is asserted by the mapping tests.
     *   <li>{@code identifier.system}: ours are the partner's configured systems; the converters invent
     *       one from the assigning authority.
     *   <li>{@code system} values under {@code http://example.com/v2-to-fhir-converter/}: the Microsoft
     *       converter's placeholder for a local table; ours leave the system out instead.
     *   <li>extensions whose url is under {@code http://example.com/v2-to-fhir-converter/}: the Microsoft
     *       converter's own, defined nowhere in FHIR or the IG.
     * </ul>
     *
     * Values are compared by meaning: date-times as instants (the converters shift zones), numbers as
     * decimals without trailing zeros, text without surrounding blanks.
     */
    static boolean normalised(String field, String path, String value) {
        return switch (field) {
            case "id", "meta", "text", "reference" -> true;
            case "system" ->
                path.endsWith("identifier.system")
                        || (value != null && value.startsWith("http://example.com/v2-to-fhir-converter/"));
            default -> false;
        };
    }

    private static void collect(JsonNode node, String path, Map<String, Integer> facts) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String name = field.getKey();
                JsonNode value = field.getValue();
                if (name.equals("resourceType")
                        || (name.equals("url") && path.endsWith("]"))
                        || normalised(name, path + "." + name, value.isValueNode() ? value.asText() : null)) {
                    continue;
                }
                collect(value, path + "." + name, facts);
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                if (path.endsWith(".extension")
                        && element.path("url").asText().startsWith("http://example.com/v2-to-fhir-converter/")) {
                    continue;
                }
                // An extension's meaning is in its url: keep it in the path.
                collect(
                        element,
                        path.endsWith(".extension") && element.has("url")
                                ? path + "[" + element.get("url").asText() + "]"
                                : path,
                        facts);
            }
        } else if (!node.isNull()) {
            facts.merge(path + "=" + value(node), 1, Integer::sum);
        }
    }

    private static String value(JsonNode node) {
        if (node.isNumber()) {
            return node.decimalValue().stripTrailingZeros().toPlainString();
        }
        String text = node.asText().strip();
        if (DATE_TIME.matcher(text).matches()) {
            try {
                return OffsetDateTime.parse(text).toInstant().toString();
            } catch (DateTimeParseException e) {
                return text;
            }
        }
        return text;
    }

    private static void report(List<Score> scores, Map<String, Map<String, Integer>> missedPaths) {
        Map<String, int[]> byType = new TreeMap<>();
        for (Score score : scores) {
            int[] totals = byType.computeIfAbsent(score.messageType(), k -> new int[3]);
            totals[0] += score.matched();
            totals[1] += score.expected();
            totals[2] += score.accepted();
            System.out.println("GOLD " + score.line());
        }
        byType.forEach((type, totals) -> System.out.printf(
                java.util.Locale.ROOT,
                "GOLD-TOTAL %s %d/%d = %.1f%%, with accepted deviations set aside %d/%d = %.1f%%%n",
                type,
                totals[0],
                totals[1],
                100.0 * totals[0] / totals[1],
                totals[0],
                totals[1] - totals[2],
                100.0 * totals[0] / (totals[1] - totals[2])));
        missedPaths.forEach((type, paths) -> paths.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(25)
                .forEach(p -> System.out.println("GOLD-MISSED " + type + " " + p.getValue() + " " + p.getKey())));
    }

    /** The gold pairs whose message type we map. */
    private static List<Fixture> fixtures() throws IOException {
        Path root = Corpus.root();
        List<Fixture> fixtures = new ArrayList<>();
        Path microsoft = root.resolve("gold/microsoft-FHIR-Converter/Hl7v2");
        try (Stream<Path> files = Files.walk(microsoft)) {
            for (Path input :
                    files.filter(p -> p.toString().endsWith(".hl7")).sorted().toList()) {
                Path expected =
                        input.resolveSibling(input.getFileName().toString().replace(".hl7", "-expected.json"));
                add(fixtures, root, input, expected);
            }
        }
        Path google = root.resolve("gold/google-healthcare-data-harmonization/wstl1");
        try (Stream<Path> files = Files.list(google)) {
            for (Path input :
                    files.filter(p -> p.toString().endsWith(".hl7")).sorted().toList()) {
                add(fixtures, root, input, input.resolveSibling(input.getFileName() + ".fhir.output.json"));
            }
        }
        Path ig = root.resolve("gold/HL7-v2-to-fhir-IG");
        add(fixtures, root, ig.resolve("test_conversions_ADT_A01.hl7"), ig.resolve("FHIR_bundle.hl7_ADT_A01.json"));
        return fixtures;
    }

    private static void add(List<Fixture> fixtures, Path root, Path input, Path expected) throws IOException {
        if (!Files.exists(expected)) {
            return;
        }
        String event = event(Files.readString(input, StandardCharsets.UTF_8));
        if (MAPPED_EVENTS.contains(event)) {
            fixtures.add(new Fixture(
                    root.relativize(input).toString(),
                    event.substring(0, 3),
                    root.relativize(input).toString(),
                    root.relativize(expected).toString()));
        }
    }

    /** MSH-9.1^MSH-9.2 of a message. */
    private static String event(String message) {
        String msh = Hl7v2Text.normalise(message).split("\r", 2)[0];
        if (!msh.startsWith("MSH") || msh.length() < 8) {
            return "";
        }
        String[] fields = msh.split(Pattern.quote(String.valueOf(msh.charAt(3))), -1);
        if (fields.length < 9) {
            return "";
        }
        String[] type = fields[8].split(Pattern.quote(String.valueOf(msh.charAt(4))), -1);
        return type.length < 2 ? type[0] : type[0] + "^" + type[1];
    }
}
