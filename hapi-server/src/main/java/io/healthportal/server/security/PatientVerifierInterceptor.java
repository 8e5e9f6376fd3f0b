package io.healthportal.server.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Parameters;

/**
 * The patient verifier's limit on {@code /fhir} ({@link SystemRole.PatientVerifier}): its one request is
 * {@code POST Patient/<id>/$meta-delete} with a {@code meta} that holds tags of the {@value
 * #VERIFICATION_TAG_SYSTEM} system and nothing else, which removes those tags and leaves the Patient's
 * content, its other tags and its version as they are. Every other request is a 403 before it runs;
 * {@link SmartAuthorizationInterceptor} grants the role that operation alone besides.
 *
 * <p>A partner system marks the Patients it creates with the verification tag (ingest-adapters does, for
 * a message matching nobody); removing it is an operator's decision, which ingest-adapters' operator API
 * carries out through its own client with this role, never through the partner's.
 */
@Interceptor
class PatientVerifierInterceptor {

    static final String VERIFICATION_TAG_SYSTEM = "https://healthportal.io/CodeSystem/patient-verification";
    static final String META_DELETE = "$meta-delete";

    static final String ONLY_META_DELETE = "PORTAL-AUTH-403: the patient verifier only removes a Patient's"
            + " verification tag (POST Patient/<id>/$meta-delete)";
    static final String ONLY_VERIFICATION_TAGS = "PORTAL-AUTH-403: the patient verifier removes tags of "
            + VERIFICATION_TAG_SYSTEM + " only: no other tag, security label or profile";

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
    public boolean checkRequest(RequestDetails request) {
        boolean verifier = SmartAuthorizationInterceptor.currentToken()
                .flatMap(SystemRole::fromToken)
                .filter(SystemRole.PatientVerifier.class::isInstance)
                .isPresent();
        if (!verifier) {
            return true;
        }
        if (request.getRequestType() != RequestTypeEnum.POST
                || !META_DELETE.equals(request.getOperation())
                || !"Patient".equals(request.getResourceName())
                || request.getId() == null
                || !request.getId().hasIdPart()) {
            throw new ForbiddenOperationException(ONLY_META_DELETE);
        }
        if (!onlyVerificationTags(metaOf(request))) {
            throw new ForbiddenOperationException(ONLY_VERIFICATION_TAGS);
        }
        return true;
    }

    /** The {@code meta} parameter of the operation's body (read once; HAPI reuses the bytes read). */
    private static Meta metaOf(RequestDetails request) {
        String body = new String(request.loadRequestContents(), StandardCharsets.UTF_8);
        EncodingEnum encoding = EncodingEnum.detectEncodingNoDefault(body);
        if (encoding == null) {
            throw new InvalidRequestException("PORTAL-AUTH-400: $meta-delete needs a Parameters body");
        }
        try {
            Parameters parameters = encoding.newParser(request.getFhirContext()).parseResource(Parameters.class, body);
            if (parameters.getParameter().size() != 1
                    || !"meta".equals(parameters.getParameterFirstRep().getName())
                    || !(parameters.getParameterFirstRep().getValue() instanceof Meta meta)) {
                throw new ForbiddenOperationException(ONLY_VERIFICATION_TAGS);
            }
            return meta;
        } catch (DataFormatException e) {
            throw new InvalidRequestException("PORTAL-AUTH-400: $meta-delete needs a Parameters body");
        }
    }

    private static boolean onlyVerificationTags(Meta meta) {
        return meta.hasTag()
                && !meta.hasSecurity()
                && !meta.hasProfile()
                && meta.getTag().stream().allMatch(tag -> VERIFICATION_TAG_SYSTEM.equals(tag.getSystem()));
    }
}
