package io.healthportal.server.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.DateTimeType;

/**
 * The search prefixes FHIR R4 defines that HAPI FHIR 8.8 refuses, rewritten into ones it serves:
 *
 * <ul>
 *   <li>{@code sa} and {@code eb} on number and quantity parameters: the search value stands for the
 *       range its precision implies (0.5 is 0.45 to 0.55), so "starts after" is {@code ge} its upper
 *       end and "ends before" is {@code lt} its lower end.
 *   <li>{@code ap} on dates: within 10% of the gap between now and the date, as the spec recommends,
 *       and at least a day either side.
 * </ul>
 *
 * A value that lists alternatives ({@code a,b}) is left to HAPI, which answers 400.
 */
@Interceptor
class SearchPrefixInterceptor {

    private final FhirContext fhirContext;
    private final Clock clock;

    SearchPrefixInterceptor(FhirContext fhirContext, Clock clock) {
        this.fhirContext = fhirContext;
        this.clock = clock;
    }

    /** Before HAPI turns the parameters into method arguments, which happens ahead of PRE_HANDLED. */
    @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
    void rewriteUnsupportedPrefixes(RequestDetails request) {
        if (request.getRestOperationType() != RestOperationTypeEnum.SEARCH_TYPE || request.getResourceName() == null) {
            return;
        }
        RuntimeResourceDefinition resource = fhirContext.getResourceDefinition(request.getResourceName());
        Map<String, String[]> rewritten = new HashMap<>(request.getParameters());
        boolean changed = false;
        for (Map.Entry<String, String[]> parameter : request.getParameters().entrySet()) {
            RuntimeSearchParam definition = resource.getSearchParam(parameter.getKey());
            if (definition == null) {
                continue;
            }
            List<String> values = new ArrayList<>();
            for (String value : parameter.getValue()) {
                values.addAll(rewrite(definition.getParamType(), value));
            }
            if (values.size() != parameter.getValue().length || !values.equals(List.of(parameter.getValue()))) {
                rewritten.put(parameter.getKey(), values.toArray(String[]::new));
                changed = true;
            }
        }
        if (changed) {
            request.setParameters(rewritten);
        }
    }

    private List<String> rewrite(RestSearchParameterTypeEnum type, String value) {
        if (value.length() < 3 || value.contains(",")) {
            return List.of(value);
        }
        String prefix = value.substring(0, 2);
        String operand = value.substring(2);
        return switch (type) {
            case NUMBER, QUANTITY ->
                switch (prefix) {
                    case "sa" -> List.of("ge" + bound(operand, true));
                    case "eb" -> List.of("lt" + bound(operand, false));
                    default -> List.of(value);
                };
            case DATE -> "ap".equals(prefix) ? approximately(operand) : List.of(value);
            default -> List.of(value);
        };
    }

    /** The upper or lower end of the range a number's precision implies; a quantity keeps its unit. */
    private static String bound(String operand, boolean upper) {
        int unit = operand.indexOf('|');
        String number = unit < 0 ? operand : operand.substring(0, unit);
        String rest = unit < 0 ? "" : operand.substring(unit);
        BigDecimal value;
        try {
            value = new BigDecimal(number);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("Not a number: " + number);
        }
        BigDecimal halfStep = BigDecimal.ONE.movePointLeft(value.scale()).divide(BigDecimal.valueOf(2));
        return (upper ? value.add(halfStep) : value.subtract(halfStep)).toPlainString() + rest;
    }

    private List<String> approximately(String operand) {
        Instant date;
        try {
            date = new DateTimeType(operand).getValue().toInstant();
        } catch (RuntimeException e) {
            throw new InvalidRequestException("Not a date: " + operand);
        }
        Duration tenth = Duration.between(date, clock.instant()).abs().dividedBy(10);
        Duration margin = tenth.compareTo(Duration.ofDays(1)) < 0 ? Duration.ofDays(1) : tenth;
        LocalDate from = date.minus(margin).atOffset(ZoneOffset.UTC).toLocalDate();
        LocalDate to = date.plus(margin).atOffset(ZoneOffset.UTC).toLocalDate();
        return List.of("ge" + from, "le" + to);
    }
}
