package io.healthportal.server.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.util.FhirTerser;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;

/**
 * Just enough of FHIR search for the security matrix's in-memory server, over resources held in memory:
 * {@code _id}, {@code _tag}, reference, token, string and date parameters (the values of each comma an OR,
 * repeated parameters an AND), typed and untyped chains, {@code _has}, {@code _include} and {@code
 * _revinclude}. Parameter paths come from HAPI's own search parameter definitions. Anything else is a 400,
 * so a matrix cell never passes on a parameter that was silently ignored.
 */
final class InMemorySearch {

    /** Parameters that shape the answer rather than select resources. */
    private static final Set<String> NOT_CRITERIA =
            Set.of("_format", "_pretty", "_count", "_elements", "_summary", "_sort", "_total");

    private final FhirContext fhirContext;
    private final FhirTerser terser;
    private final Function<String, List<IBaseResource>> storedOfType;

    /** @param storedOfType the current version of every stored resource of a type */
    InMemorySearch(FhirContext fhirContext, Function<String, List<IBaseResource>> storedOfType) {
        this.fhirContext = fhirContext;
        this.terser = fhirContext.newTerser();
        this.storedOfType = storedOfType;
    }

    /** The {@code type} resources matching every criterion in {@code parameters}. */
    List<IBaseResource> matches(String type, Map<String, String[]> parameters) {
        return storedOfType.apply(type).stream()
                .filter(resource -> matchesAll(resource, parameters))
                .toList();
    }

    /** The resources {@code _include} and {@code _revinclude} add to {@code matched}, without repeats. */
    List<IBaseResource> included(List<IBaseResource> matched, Map<String, String[]> parameters) {
        Map<String, IBaseResource> included = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
            boolean reverse = parameter.getKey().startsWith("_revinclude");
            if (!reverse && !parameter.getKey().startsWith("_include")) {
                continue;
            }
            for (String value : parameter.getValue()) {
                String[] include = value.split(":");
                if (include.length < 2) {
                    throw new InvalidRequestException("Unsupported include in the matrix server: " + value);
                }
                String targetType = include.length > 2 ? include[2] : null;
                if (reverse) {
                    for (IBaseResource source : storedOfType.apply(include[0])) {
                        boolean points = references(source, include[1]).stream()
                                .anyMatch(id -> matched.stream().anyMatch(m -> sameResource(m, id)));
                        if (points) {
                            included.put(key(source), source);
                        }
                    }
                } else {
                    for (IBaseResource source : matched) {
                        for (IIdType id : references(source, include[1])) {
                            if (targetType == null || targetType.equals(id.getResourceType())) {
                                resolve(id).ifPresent(target -> included.put(key(target), target));
                            }
                        }
                    }
                }
            }
        }
        matched.forEach(resource -> included.remove(key(resource)));
        return new ArrayList<>(included.values());
    }

    private boolean matchesAll(IBaseResource resource, Map<String, String[]> parameters) {
        for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
            String name = parameter.getKey();
            if (NOT_CRITERIA.contains(name) || name.startsWith("_include") || name.startsWith("_revinclude")) {
                continue;
            }
            for (String value : parameter.getValue()) {
                if (!matches(resource, name, value)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** One criterion ({@code name=value}, the value's commas being ORs) on one resource. */
    boolean matches(IBaseResource resource, String name, String value) {
        if (name.startsWith("_has:")) {
            return has(resource, name, value);
        }
        int dot = name.indexOf('.');
        if (dot > 0) {
            return chain(resource, name.substring(0, dot), name.substring(dot + 1), value);
        }
        String[] nameAndModifier = name.split(":", 2);
        String parameter = nameAndModifier[0];
        String modifier = nameAndModifier.length > 1 ? nameAndModifier[1] : null;
        List<String> alternatives = splitOr(value);
        if (parameter.equals("_id")) {
            return alternatives.stream()
                    .anyMatch(id -> new IdType(id)
                            .getIdPart()
                            .equals(resource.getIdElement().getIdPart()));
        }
        if (parameter.equals("_tag")) {
            return resource.getMeta().getTag().stream()
                    .anyMatch(tag -> alternatives.stream()
                            .anyMatch(token -> codeMatches(tag.getSystem(), tag.getCode(), token)));
        }
        RuntimeSearchParam searchParam = searchParam(resource.fhirType(), parameter);
        List<IBase> values = values(resource, searchParam);
        return switch (searchParam.getParamType()) {
            case REFERENCE ->
                values.stream()
                        .anyMatch(element -> alternatives.stream()
                                .anyMatch(alternative -> referenceMatches(element, modifier, alternative)));
            case TOKEN ->
                values.stream()
                        .anyMatch(element -> alternatives.stream()
                                .anyMatch(alternative -> tokenMatches(element, modifier, alternative)));
            case STRING ->
                values.stream()
                        .anyMatch(element -> alternatives.stream()
                                .anyMatch(alternative -> stringMatches(element, modifier, alternative)));
            case DATE ->
                values.stream()
                        .anyMatch(element ->
                                alternatives.stream().anyMatch(alternative -> dateMatches(element, alternative)));
            default ->
                throw new InvalidRequestException(
                        "Unsupported parameter type in the matrix server: " + searchParam.getName());
        };
    }

    /** {@code _has:Provenance:target:agent=...}: some {@code Provenance} whose {@code target} is this one matches. */
    private boolean has(IBaseResource resource, String name, String value) {
        String[] parts = name.split(":", 4);
        if (parts.length < 4) {
            throw new InvalidRequestException("Malformed _has in the matrix server: " + name);
        }
        return storedOfType.apply(parts[1]).stream()
                .filter(source -> references(source, parts[2]).stream().anyMatch(id -> sameResource(resource, id)))
                .anyMatch(source -> matches(source, parts[3], value));
    }

    /** {@code subject:Patient.family=x} or {@code subject.family=x}: some referenced resource matches. */
    private boolean chain(IBaseResource resource, String hop, String rest, String value) {
        String[] parameterAndType = hop.split(":", 2);
        String targetType = parameterAndType.length > 1 ? parameterAndType[1] : null;
        return references(resource, parameterAndType[0]).stream()
                .filter(id -> targetType == null || targetType.equals(id.getResourceType()))
                .map(this::resolve)
                .flatMap(java.util.Optional::stream)
                .anyMatch(target -> matches(target, rest, value));
    }

    private List<IIdType> references(IBaseResource resource, String parameter) {
        RuntimeSearchParam searchParam = searchParam(resource.fhirType(), parameter);
        Set<String> targets = searchParam.getTargets();
        return values(resource, searchParam).stream()
                .filter(Reference.class::isInstance)
                .map(element -> ((Reference) element).getReferenceElement())
                .filter(id -> id.hasResourceType() && id.hasIdPart())
                .filter(id -> targets.isEmpty() || targets.contains(id.getResourceType()))
                .toList();
    }

    private java.util.Optional<IBaseResource> resolve(IIdType id) {
        return storedOfType.apply(id.getResourceType()).stream()
                .filter(resource -> resource.getIdElement().getIdPart().equals(id.getIdPart()))
                .findFirst();
    }

    private RuntimeSearchParam searchParam(String type, String parameter) {
        RuntimeSearchParam searchParam = fhirContext.getResourceDefinition(type).getSearchParam(parameter);
        if (searchParam == null) {
            throw new InvalidRequestException("Unknown search parameter " + parameter + " on " + type);
        }
        return searchParam;
    }

    /**
     * The elements {@code searchParam}'s path selects, for the plain dotted paths of HAPI's definitions
     * ({@code Observation.subject}, {@code Patient.name.family}, alternatives joined by {@code |}), read with
     * HAPI's terser: FHIRPath would cost seconds of structure definitions at start, and the matrix needs no
     * more. {@code .where(resolve() is X)} is dropped; the reference's own type then does that job.
     */
    private List<IBase> values(IBaseResource resource, RuntimeSearchParam searchParam) {
        String path = searchParam.getPath().replaceAll("\\.where\\(resolve\\(\\) is [A-Za-z]+\\)", "");
        List<IBase> values = new ArrayList<>();
        for (String alternative : path.split("\\|")) {
            String trimmed = alternative.trim();
            if (!trimmed.startsWith(resource.fhirType() + ".")) {
                continue; // another type's alternative
            }
            if (!trimmed.matches("[A-Za-z]+(\\.[A-Za-z]+)+")) {
                throw new InvalidRequestException(
                        "The matrix server does not evaluate the path of " + searchParam.getName() + ": " + trimmed);
            }
            values.addAll(terser.getValues(resource, trimmed, IBase.class));
        }
        return values;
    }

    private static boolean referenceMatches(IBase element, String modifier, String wanted) {
        if (!(element instanceof Reference reference)) {
            return false;
        }
        IIdType id = reference.getReferenceElement();
        IdType asked = new IdType(wanted);
        String wantedType = asked.hasResourceType() ? asked.getResourceType() : modifier;
        return id.hasIdPart()
                && id.getIdPart().equals(asked.getIdPart())
                && (wantedType == null || wantedType.equals(id.getResourceType()));
    }

    private static boolean tokenMatches(IBase element, String modifier, String token) {
        if ("text".equals(modifier)) {
            String text = element instanceof CodeableConcept concept ? concept.getText() : null;
            return text != null && normalized(text).startsWith(normalized(token));
        }
        if (modifier != null) {
            throw new InvalidRequestException("Unsupported token modifier in the matrix server: " + modifier);
        }
        if (element instanceof CodeableConcept concept) {
            return concept.getCoding().stream().anyMatch(coding -> tokenMatches(coding, null, token));
        }
        if (element instanceof Coding coding) {
            return codeMatches(coding.getSystem(), coding.getCode(), token);
        }
        if (element instanceof Identifier identifier) {
            return codeMatches(identifier.getSystem(), identifier.getValue(), token);
        }
        if (element instanceof ContactPoint contact) {
            return codeMatches(null, contact.getValue(), token);
        }
        if (element instanceof Enumeration<?> enumeration) {
            return codeMatches(null, enumeration.getValueAsString(), token);
        }
        if (element instanceof IPrimitiveType<?> primitive) {
            return codeMatches(null, primitive.getValueAsString(), token);
        }
        return false;
    }

    /** {@code code}, {@code system|code}, {@code |code} (no system) and {@code system|} (any code). */
    private static boolean codeMatches(String system, String code, String token) {
        int bar = token.indexOf('|');
        if (bar < 0) {
            return token.equals(code);
        }
        String wantedSystem = token.substring(0, bar);
        String wantedCode = token.substring(bar + 1);
        boolean systemOk = wantedSystem.isEmpty() ? system == null : wantedSystem.equals(system);
        return systemOk && (wantedCode.isEmpty() || wantedCode.equals(code));
    }

    private static boolean stringMatches(IBase element, String modifier, String wanted) {
        List<String> texts = new ArrayList<>();
        if (element instanceof HumanName name) {
            texts.add(name.getFamily());
            texts.add(name.getText());
            name.getGiven().forEach(given -> texts.add(given.getValue()));
        } else if (element instanceof IPrimitiveType<?> primitive) {
            texts.add(primitive.getValueAsString());
        } else {
            throw new InvalidRequestException("Unsupported string element in the matrix server: " + element);
        }
        return texts.stream().filter(text -> text != null).anyMatch(text -> {
            if (modifier == null) {
                return normalized(text).startsWith(normalized(wanted));
            }
            return switch (modifier) {
                case "exact" -> text.equals(wanted);
                case "contains" -> normalized(text).contains(normalized(wanted));
                default ->
                    throw new InvalidRequestException("Unsupported string modifier in the matrix server: " + modifier);
            };
        });
    }

    /** {@code eq}, {@code ge}, {@code gt}, {@code le} and {@code lt}, comparing ranges as FHIR does. */
    private static boolean dateMatches(IBase element, String wanted) {
        boolean prefixed = wanted.length() > 2 && Character.isLetter(wanted.charAt(0));
        String prefix = prefixed ? wanted.substring(0, 2) : "eq";
        DateTimeType asked = new DateTimeType(prefixed ? wanted.substring(2) : wanted);
        Date askedLow = asked.getValue();
        Date askedHigh = asked.getPrecision().add(asked.getValue(), 1);
        Date low;
        Date high;
        if (element instanceof Period period) {
            low = period.getStart();
            high = period.getEnd();
        } else if (element instanceof BaseDateTimeType dateTime && dateTime.getValue() != null) {
            low = dateTime.getValue();
            high = dateTime.getPrecision().add(dateTime.getValue(), 1);
        } else {
            return false;
        }
        return switch (prefix) {
            case "ge" -> high == null || !high.before(askedLow);
            case "gt" -> high == null || high.after(askedHigh);
            case "le" -> low == null || !low.after(askedHigh);
            case "lt" -> low == null || low.before(askedLow);
            case "eq" -> low != null && high != null && !low.before(askedLow) && !high.after(askedHigh);
            default -> throw new InvalidRequestException("Unsupported date prefix in the matrix server: " + prefix);
        };
    }

    private static boolean sameResource(IBaseResource resource, IIdType id) {
        return resource.fhirType().equals(id.getResourceType())
                && resource.getIdElement().getIdPart().equals(id.getIdPart());
    }

    private static String key(IBaseResource resource) {
        return resource.fhirType() + "/" + resource.getIdElement().getIdPart();
    }

    private static List<String> splitOr(String value) {
        return Arrays.asList(value.split(","));
    }

    private static String normalized(String text) {
        return text.toLowerCase(Locale.ROOT);
    }
}
