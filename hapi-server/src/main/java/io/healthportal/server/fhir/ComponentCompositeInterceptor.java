package io.healthportal.server.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.model.valueset.BundleEntrySearchModeEnum;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;

/**
 * {@code Observation?component-code-value-quantity=} and {@code component-code-value-concept=}
 * pair the code and the value within one component, as the FHIR spec defines composite parameters.
 * HAPI FHIR 8.8 matches the two parts independently, so a blood pressure whose systolic is 150 and
 * diastolic 95 matches "diastolic > 140" (hapifhir/hapi-fhir#7318). HAPI's query still narrows the
 * candidates; this drops the candidates whose matching code and value sit in different components.
 * The parameters ride on in the paging links so that every page is filtered alike. Pages may hold
 * fewer entries than {@code _count}, which FHIR allows; {@code Bundle.total} is HAPI's count of
 * candidates.
 */
@Interceptor
class ComponentCompositeInterceptor {

    private static final Map<String, BiPredicate<Observation.ObservationComponentComponent, String>> VALUE_MATCHERS =
            Map.of(
                    "component-code-value-quantity", ComponentCompositeInterceptor::quantityMatches,
                    "component-code-value-concept", ComponentCompositeInterceptor::conceptMatches);

    /**
     * As each page is shown, not as HAPI's search task collects results: HAPI 8.8 mis-counts results
     * blocked there when a composite lists alternatives, and its search then times out.
     */
    @Hook(Pointcut.STORAGE_PRESHOW_RESOURCES)
    void leaveOutUnpairedMatches(IPreResourceShowDetails resources, RequestDetails request) {
        Map<String, String[]> composites = composites(request);
        if (composites.isEmpty()) {
            return;
        }
        for (int i = 0; i < resources.size(); i++) {
            if (resources.getResource(i) instanceof Observation observation
                    && ResourceMetadataKeyEnum.ENTRY_SEARCH_MODE.get(observation) != BundleEntrySearchModeEnum.INCLUDE
                    && !matchesAll(observation, composites)) {
                resources.setResource(i, null);
            }
        }
    }

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    void carryCompositesIntoPagingLinks(RequestDetails request, ResponseDetails response) {
        Map<String, String[]> composites = composites(request);
        if (composites.isEmpty() || !(response.getResponseResource() instanceof Bundle bundle)) {
            return;
        }
        PagingLinks.carry(bundle, composites);
    }

    /** The component composites of an Observation search, or of one of its pages. */
    private static Map<String, String[]> composites(RequestDetails request) {
        boolean page = request.getParameters().containsKey(Constants.PARAM_PAGINGACTION);
        if (!page && !"Observation".equals(request.getResourceName())) {
            return Map.of();
        }
        Map<String, String[]> composites = new LinkedHashMap<>();
        for (String name : VALUE_MATCHERS.keySet()) {
            String[] values = request.getParameters().get(name);
            if (values != null && values.length > 0) {
                composites.put(name, values);
            }
        }
        return composites;
    }

    /** Each repetition of a parameter (AND) is met by some component; a comma separates alternatives (OR). */
    private static boolean matchesAll(Observation observation, Map<String, String[]> composites) {
        for (Map.Entry<String, String[]> composite : composites.entrySet()) {
            BiPredicate<Observation.ObservationComponentComponent, String> valueMatches =
                    VALUE_MATCHERS.get(composite.getKey());
            for (String and : composite.getValue()) {
                boolean met = false;
                for (String alternative : split(and, ',')) {
                    List<String> parts = split(alternative, '$');
                    if (parts.size() != 2) {
                        throw new InvalidRequestException(
                                composite.getKey() + " takes a code and a value separated by $: " + alternative);
                    }
                    met |= observation.getComponent().stream()
                            .anyMatch(component -> tokenMatches(component.getCode(), unescape(parts.get(0)))
                                    && valueMatches.test(component, parts.get(1)));
                }
                if (!met) {
                    return false;
                }
            }
        }
        return true;
    }

    /** {@code system|code}, {@code |code} (no system) or {@code code} (any system). */
    private static boolean tokenMatches(CodeableConcept concept, String token) {
        int bar = token.indexOf('|');
        String system = bar < 0 ? null : token.substring(0, bar);
        String code = bar < 0 ? token : token.substring(bar + 1);
        for (Coding coding : concept.getCoding()) {
            boolean systemMatches =
                    system == null || (system.isEmpty() ? !coding.hasSystem() : system.equals(coding.getSystem()));
            if (systemMatches && code.equals(coding.getCode())) {
                return true;
            }
        }
        return false;
    }

    private static boolean conceptMatches(Observation.ObservationComponentComponent component, String token) {
        return component.hasValueCodeableConcept()
                && tokenMatches(component.getValueCodeableConcept(), unescape(token));
    }

    /** {@code [prefix]number[|system|code]}; the unit is compared by code, else by its display. */
    private static boolean quantityMatches(Observation.ObservationComponentComponent component, String search) {
        if (!component.hasValueQuantity() || !component.getValueQuantity().hasValue()) {
            return false;
        }
        Quantity actual = component.getValueQuantity();
        List<String> parts = split(search, '|');
        String number = parts.get(0);
        boolean prefixed = number.length() > 2 && Character.isLetter(number.charAt(0));
        String prefix = prefixed ? number.substring(0, 2) : "eq";
        String digits = prefixed ? number.substring(2) : number;
        if (parts.size() > 1 && !parts.get(1).isEmpty() && !parts.get(1).equals(actual.getSystem())) {
            return false;
        }
        if (parts.size() > 2 && !parts.get(2).isEmpty()) {
            String unit = unescape(parts.get(2));
            if (!unit.equals(actual.getCode()) && !unit.equalsIgnoreCase(actual.getUnit())) {
                return false;
            }
        }
        BigDecimal value;
        try {
            value = new BigDecimal(digits);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("Not a number: " + digits);
        }
        return compare(prefix, actual.getValue(), value);
    }

    /** The search value stands for the range its precision implies: 95 is 94.5 up to 95.5. */
    private static boolean compare(String prefix, BigDecimal actual, BigDecimal value) {
        BigDecimal halfStep = BigDecimal.ONE.movePointLeft(value.scale()).divide(BigDecimal.valueOf(2));
        BigDecimal low = value.subtract(halfStep);
        BigDecimal high = value.add(halfStep);
        boolean withinPrecision = actual.compareTo(low) >= 0 && actual.compareTo(high) < 0;
        return switch (prefix) {
            case "eq" -> withinPrecision;
            case "ne" -> !withinPrecision;
            case "gt" -> actual.compareTo(value) > 0;
            case "lt" -> actual.compareTo(value) < 0;
            case "ge" -> actual.compareTo(value) >= 0;
            case "le" -> actual.compareTo(value) <= 0;
            case "sa" -> actual.compareTo(high) >= 0;
            case "eb" -> actual.compareTo(low) < 0;
            case "ap" -> actual.subtract(value).abs().compareTo(value.abs().movePointLeft(1)) <= 0;
            default -> throw new InvalidRequestException("Unknown quantity prefix: " + prefix);
        };
    }

    /** Splits on a separator that is not escaped with a backslash; escapes stay for {@link #unescape}. */
    private static List<String> split(String value, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                current.append(c).append(value.charAt(++i));
            } else if (c == separator) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return parts;
    }

    private static String unescape(String value) {
        return value.replaceAll("\\\\([\\\\,$|])", "$1");
    }
}
