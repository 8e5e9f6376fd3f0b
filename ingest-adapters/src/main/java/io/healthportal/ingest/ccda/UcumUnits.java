package io.healthportal.ingest.ccda;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a unit a document sends is UCUM, so it may be written as {@code system}/{@code code} of a
 * Quantity. CDA requires UCUM in PQ units, but documents carry units like {@code 10+3/ul} or {@code
 * mg/actuat}; those keep their text in {@code Quantity.unit} only. The check is conservative: the terms
 * between {@code /} and {@code .} must be a power of ten, an annotation, a number, or an atom from the
 * list below with an optional metric prefix and exponent. A valid unit outside the list loses only its
 * code, never its value or text.
 */
final class UcumUnits {

    private static final Set<String> METRIC_ATOMS = Set.of(
            "g", "L", "l", "m", "s", "mol", "eq", "U", "[IU]", "[iU]", "Cel", "K", "Pa", "J", "W", "cal", "osm", "kat",
            "Hz", "bar", "t");
    private static final Set<String> OTHER_ATOMS = Set.of(
            "min",
            "h",
            "d",
            "wk",
            "mo",
            "a",
            "%",
            "[degF]",
            "[in_i]",
            "[ft_i]",
            "[lb_av]",
            "[oz_av]",
            "mm[Hg]",
            "cm[H2O]",
            "[pH]",
            "[ppm]",
            "[ppb]",
            "[HPF]",
            "[LPF]",
            "[drp]",
            "[tsp_us]",
            "[tbs_us]",
            "[foz_us]",
            "[mi_i]",
            "[cal]",
            "[arb'U]");
    private static final Set<String> PREFIXES =
            Set.of("Y", "Z", "E", "P", "T", "G", "M", "k", "h", "da", "d", "c", "m", "u", "n", "p", "f", "a");
    private static final Pattern SPECIAL = Pattern.compile("10[*^][+-]?\\d+|\\{[^{}]*\\}|\\d+");
    /** An atom with an optional exponent and annotation. */
    private static final Pattern ATOM = Pattern.compile("(.+?)([+-]?\\d+)?(\\{[^{}]*\\})?");

    private UcumUnits() {}

    static boolean isUcum(String unit) {
        if (unit == null || unit.isBlank() || unit.chars().anyMatch(Character::isWhitespace)) {
            return false;
        }
        // Annotations may hold the separators ({1.73_m2}): they are emptied before the unit is split.
        String body = unit.replaceAll("\\{[^{}]*\\}", "{}");
        body = body.startsWith("/") ? body.substring(1) : body;
        for (String term : body.split("[/.]", -1)) {
            if (!term(term)) {
                return false;
            }
        }
        return true;
    }

    private static boolean term(String term) {
        if (SPECIAL.matcher(term).matches()) {
            return true;
        }
        Matcher m = ATOM.matcher(term);
        if (!m.matches()) {
            return false;
        }
        String atom = m.group(1);
        if (OTHER_ATOMS.contains(atom) || METRIC_ATOMS.contains(atom)) {
            return true;
        }
        for (String prefix : PREFIXES) {
            if (atom.startsWith(prefix) && METRIC_ATOMS.contains(atom.substring(prefix.length()))) {
                return true;
            }
        }
        return false;
    }
}
