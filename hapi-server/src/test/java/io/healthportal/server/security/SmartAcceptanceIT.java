package io.healthportal.server.security;

import static io.healthportal.server.testing.AuthorizationCodeFlow.location;
import static io.healthportal.server.testing.AuthorizationCodeFlow.query;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.healthportal.server.FhirServerTestBase;
import io.healthportal.server.authserver.ClientRegistrations;
import io.healthportal.server.authserver.PortalRole;
import io.healthportal.server.authserver.PortalUsers;
import io.healthportal.server.testing.AuthorizationCodeFlow;
import io.healthportal.server.testing.BackendServicesTestClient;
import io.healthportal.server.testing.MintedTokens;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * The acceptance list of issue 3: one case per check of the kind the Inferno SMART App Launch STU2.2
 * and ONC (g)(10) test kits run, each against the real endpoints (discovery, the authorization endpoint
 * with the real login and consent pages, the token, revocation and introspection endpoints, and
 * {@code /fhir}). The comment above each case names the kit's check it mirrors. One standalone patient
 * launch and one EHR launch are made once and shared by the cases that only look at their results;
 * every case that uses up a code, a refresh token or a token makes its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmartAcceptanceIT extends FhirServerTestBase {

    private static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
    private static final String LAB_SCOPE = "patient/Observation.rs?category=" + OBSERVATION_CATEGORY + "|laboratory";
    private static final String PUBLIC_REDIRECT = "http://127.0.0.1:7801/callback";
    private static final String CONFIDENTIAL_REDIRECT = "http://127.0.0.1:7802/callback";
    private static final String ASYMMETRIC_REDIRECT = "http://127.0.0.1:7803/callback";
    private static final String EHR_REDIRECT = "http://127.0.0.1:7804/callback";
    private static final String APP_ORIGIN = "http://127.0.0.1:7801";
    private static final String STRANGER_ORIGIN = "https://elsewhere.example";
    private static final String PATIENT_PASSWORD = "acceptance patient passphrase";
    private static final String CLINICIAN_PASSWORD = "acceptance clinician passphrase";
    private static final String INITIAL_ACCESS_TOKEN = "test-only-initial-access-token";
    private static final String OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";
    private static final Set<String> APP_SCOPES = Set.of(
            "openid", "fhirUser", "launch/patient", "patient/Patient.rs", "patient/Observation.rs", "offline_access");

    private final ObjectMapper json = new ObjectMapper();

    @Autowired
    ClientRegistrations registrations;

    @Autowired
    PortalUsers users;

    @Autowired
    JWKSet signingKeys;

    @Autowired
    OAuth2AuthorizationService authorizations;

    @Autowired
    RegisteredClientRepository clients;

    private String patient;
    private String otherPatient;
    private String labResult;
    private String vitalSigns;
    private String otherPatientsResult;
    private String encounter;
    private String practitioner;
    private String patientUser;
    private String clinician;
    private String publicApp;
    private String confidentialApp;
    private String confidentialSecret;
    private String ehrApp;
    private BackendServicesTestClient ehrSystem;
    private MintedTokens minted;

    /** The standalone patient launch the read-only cases share. */
    private Launch standalone;

    /** The EHR launch the read-only cases share. */
    private Launch ehrLaunch;

    private record Launch(Map<String, String> request, HttpResponse<String> callback, JsonNode token) {
        String accessToken() {
            return token.get("access_token").asText();
        }
    }

    @BeforeAll
    void patientsClinicianAppsAndOneLaunchOfEachKind() throws Exception {
        patient = create(new Patient().addName(new HumanName().setFamily("Acceptance")));
        otherPatient = create(new Patient().addName(new HumanName().setFamily("Bystander")));
        labResult = create(observation(patient, "laboratory"));
        vitalSigns = create(observation(patient, "vital-signs"));
        otherPatientsResult = create(observation(otherPatient, "laboratory"));
        Encounter visit = new Encounter();
        visit.setStatus(Encounter.EncounterStatus.INPROGRESS);
        visit.getClass_().setCode("AMB");
        visit.setSubject(new Reference("Patient/" + patient));
        encounter = create(visit);
        practitioner = create(new Practitioner().addName(new HumanName().setFamily("Accepting")));

        patientUser = newPatientUser();
        clinician = "acceptance-clinician-" + UUID.randomUUID();
        users.save(
                clinician, CLINICIAN_PASSWORD, PortalRole.PRACTITIONER, "Practitioner/" + practitioner, "Dr Accepting");

        publicApp = "acceptance-public-" + UUID.randomUUID();
        registrations.registerPublicApp(publicApp, "Acceptance public app", PUBLIC_REDIRECT, APP_SCOPES);
        confidentialApp = "acceptance-confidential-" + UUID.randomUUID();
        // bcrypt reads at most 72 bytes.
        confidentialSecret = "s3cret-" + UUID.randomUUID();
        registrations.registerConfidentialApp(
                confidentialApp, "Acceptance confidential app", confidentialSecret, CONFIDENTIAL_REDIRECT, APP_SCOPES);
        ehrApp = "acceptance-ehr-app-" + UUID.randomUUID();
        registrations.registerPublicApp(
                ehrApp,
                "Acceptance clinical app",
                EHR_REDIRECT,
                Set.of("launch", "openid", "fhirUser", "patient/Patient.rs", "patient/Encounter.rs"));
        Group registered = new Group();
        registered.setType(Group.GroupType.PERSON).setActual(true);
        registered.addMember().setEntity(new Reference("Patient/" + patient));
        ehrSystem = BackendServicesTestClient.registerEhrSystem(
                registrations, tokenEndpoint(), Set.of("system/Patient.rs"), create(registered));
        minted = new MintedTokens(signingKeys, authorizations, clients, issuer(), fhirBase());

        AuthorizationCodeFlow browser = browser();
        Map<String, String> request = browser.authorizationRequest(
                publicApp,
                PUBLIC_REDIRECT,
                "openid fhirUser launch/patient patient/Patient.rs patient/Observation.rs",
                "state-" + UUID.randomUUID(),
                fhirBase());
        request.put("nonce", "nonce-" + UUID.randomUUID());
        standalone = launch(
                browser,
                request,
                patientUser,
                PATIENT_PASSWORD,
                List.of("fhirUser", "launch/patient", "patient/Patient.rs", "patient/Observation.rs"),
                publicApp,
                null,
                PUBLIC_REDIRECT);

        AuthorizationCodeFlow clinicianBrowser = browser();
        Map<String, String> ehrRequest = clinicianBrowser.authorizationRequest(
                ehrApp,
                EHR_REDIRECT,
                "launch openid fhirUser patient/Patient.rs patient/Encounter.rs",
                "state-" + UUID.randomUUID(),
                fhirBase());
        ehrRequest.put("launch", newEhrLaunch());
        ehrLaunch = launch(
                clinicianBrowser,
                ehrRequest,
                clinician,
                CLINICIAN_PASSWORD,
                List.of("launch", "fhirUser", "patient/Patient.rs", "patient/Encounter.rs"),
                ehrApp,
                null,
                EHR_REDIRECT);
    }

    // ---- Discovery ----

    @Test
    // SMART STU2.2 discovery: .well-known/smart-configuration is served without auth as JSON with the required
    // endpoints.
    void theSmartConfigurationIsOpenJsonNamingThisServersEndpoints() throws Exception {
        HttpResponse<String> response = send(anonymousRequest("/.well-known/smart-configuration"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode configuration = json.readTree(response.body());
        assertThat(configuration.get("issuer").asText()).isEqualTo(issuer());
        assertThat(configuration.get("authorization_endpoint").asText()).isEqualTo(issuer() + "/oauth2/authorize");
        assertThat(configuration.get("token_endpoint").asText()).isEqualTo(tokenEndpoint());
        assertThat(configuration.get("jwks_uri").asText()).isEqualTo(issuer() + "/oauth2/jwks");
        assertThat(configuration.get("revocation_endpoint").asText()).isEqualTo(issuer() + "/oauth2/revoke");
        assertThat(configuration.get("introspection_endpoint").asText()).isEqualTo(issuer() + "/oauth2/introspect");
        assertThat(texts(configuration.get("grant_types_supported")))
                .containsExactlyInAnyOrder("authorization_code", "client_credentials", "refresh_token");
        assertThat(texts(configuration.get("token_endpoint_auth_methods_supported")))
                .containsExactlyInAnyOrder("client_secret_basic", "private_key_jwt");
        assertThat(texts(configuration.get("token_endpoint_auth_signing_alg_values_supported")))
                .containsExactlyInAnyOrder("RS384", "ES384");
        assertThat(texts(configuration.get("scopes_supported")))
                .contains("openid", "fhirUser", "launch", "launch/patient", "offline_access");
        assertThat(texts(configuration.get("response_types_supported"))).contains("code");
    }

    @Test
    // SMART STU2.2 discovery: code_challenge_methods_supported holds S256 and never plain.
    void theSmartConfigurationOffersS256AsTheOnlyPkceMethod() throws Exception {
        JsonNode configuration = smartConfiguration();

        assertThat(texts(configuration.get("code_challenge_methods_supported"))).containsExactly("S256");
    }

    @Test
    // SMART STU2.2 / (g)(10) discovery: the capabilities array names each launch, client type, context and permission
    // kind.
    void theSmartConfigurationListsTheCapabilitiesOfEveryLaunchAndClientType() throws Exception {
        assertThat(texts(smartConfiguration().get("capabilities")))
                .contains("launch-standalone", "launch-ehr")
                .contains("client-public", "client-confidential-symmetric", "client-confidential-asymmetric")
                .contains("sso-openid-connect")
                .contains("context-standalone-patient", "context-ehr-patient", "context-ehr-encounter")
                .contains("context-banner", "context-style")
                .contains("permission-offline", "permission-patient", "permission-user")
                .contains("permission-v1", "permission-v2")
                .doesNotContain("authorize-post");
    }

    @Test
    // SMART STU2.2 discovery: the jwks_uri publishes public keys only and the token endpoint answers.
    void everyEndpointTheConfigurationNamesAnswers() throws Exception {
        JsonNode configuration = smartConfiguration();

        HttpResponse<String> jwks = send(
                HttpRequest.newBuilder(URI.create(configuration.get("jwks_uri").asText())));
        assertThat(jwks.statusCode()).isEqualTo(200);
        JsonNode keys = json.readTree(jwks.body()).get("keys");
        assertThat(keys).isNotEmpty();
        keys.forEach(key -> {
            assertThat(key.get("kty").asText()).isEqualTo("RSA");
            assertThat(key.has("d")).as("no private part published").isFalse();
        });
        // The token endpoint refuses a request without client authentication, as OAuth says.
        HttpResponse<String> token = send(HttpRequest.newBuilder(
                        URI.create(configuration.get("token_endpoint").asText()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")));
        assertThat(token.statusCode()).as(token.headers().map().toString()).isEqualTo(401);
    }

    @Test
    // SMART / (g)(10) discovery: the CapabilityStatement is open, declares SMART-on-FHIR and its oauth-uris extension.
    void theCapabilityStatementDeclaresSmartOnFhirWithItsOauthUris() {
        CapabilityStatement statement = anonymousClient()
                .capabilities()
                .ofType(CapabilityStatement.class)
                .execute();

        var security = statement.getRestFirstRep().getSecurity();
        assertThat(security.getService())
                .flatExtracting(concept -> concept.getCoding())
                .extracting(coding -> coding.getCode())
                .contains("SMART-on-FHIR");
        Extension uris = security.getExtensionByUrl(OAUTH_URIS);
        assertThat(uris).isNotNull();
        assertThat(uris.getExtensionByUrl("authorize").getValue().primitiveValue())
                .isEqualTo(issuer() + "/oauth2/authorize");
        assertThat(uris.getExtensionByUrl("token").getValue().primitiveValue()).isEqualTo(tokenEndpoint());
        assertThat(uris.getExtensionByUrl("revoke").getValue().primitiveValue()).isEqualTo(issuer() + "/oauth2/revoke");
        assertThat(uris.getExtensionByUrl("introspect").getValue().primitiveValue())
                .isEqualTo(issuer() + "/oauth2/introspect");
    }

    @Test
    // (g)(10) OpenID Connect: the issuer's openid-configuration agrees with SMART's and signs ID tokens RS256.
    void theOpenIdConfigurationAgreesWithTheSmartConfiguration() throws Exception {
        HttpResponse<String> response =
                send(HttpRequest.newBuilder(URI.create(issuer() + "/.well-known/openid-configuration")));
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode openId = json.readTree(response.body());
        JsonNode smart = smartConfiguration();

        assertThat(openId.get("issuer").asText()).isEqualTo(smart.get("issuer").asText());
        assertThat(openId.get("jwks_uri").asText())
                .isEqualTo(smart.get("jwks_uri").asText());
        assertThat(openId.get("authorization_endpoint").asText())
                .isEqualTo(smart.get("authorization_endpoint").asText());
        assertThat(openId.get("token_endpoint").asText())
                .isEqualTo(smart.get("token_endpoint").asText());
        assertThat(texts(openId.get("id_token_signing_alg_values_supported"))).contains("RS256");
    }

    // ---- Standalone patient launch, public client ----

    @Test
    // SMART STU2.2 standalone launch: the token response is a Bearer token with expires_in, the granted scopes and
    // patient.
    void aStandaloneLaunchAnswersWithABearerTokenThePatientAndTheGrantedScopes() throws Exception {
        JsonNode token = standalone.token();

        assertThat(token.get("token_type").asText()).isEqualToIgnoringCase("Bearer");
        assertThat(token.get("expires_in").asLong()).isPositive();
        assertThat(token.get("patient").asText()).isEqualTo(patient);
        assertThat(Set.of(token.get("scope").asText().split(" ")))
                .containsExactlyInAnyOrder(
                        "openid", "fhirUser", "launch/patient", "patient/Patient.rs", "patient/Observation.rs");
        SignedJWT accessToken = SignedJWT.parse(standalone.accessToken());
        assertThat(accessToken.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(accessToken.getJWTClaimsSet().getAudience()).containsExactly(fhirBase());
    }

    @Test
    // SMART STU2.2 standalone launch: the redirect to the app carries the state it sent, unchanged.
    void theRedirectToTheAppEchoesItsState() {
        assertThat(location(standalone.callback())).startsWith(PUBLIC_REDIRECT + "?");
        assertThat(query(standalone.callback()))
                .containsEntry("state", standalone.request().get("state"))
                .containsKey("code");
    }

    @Test
    // (g)(10) OpenID Connect: the id_token verifies against jwks_uri and names issuer, app, fhirUser and the nonce.
    void theIdTokenIsSignedByAPublishedKeyAndNamesIssuerAppFhirUserAndNonce() throws Exception {
        SignedJWT idToken = SignedJWT.parse(standalone.token().get("id_token").asText());
        JWKSet published = JWKSet.parse(send(HttpRequest.newBuilder(
                        URI.create(smartConfiguration().get("jwks_uri").asText())))
                .body());
        RSAKey key = (RSAKey) published.getKeyByKeyId(idToken.getHeader().getKeyID());

        assertThat(idToken.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(key).as("the id_token's key is published").isNotNull();
        assertThat(idToken.verify(new RSASSAVerifier(key))).isTrue();
        JWTClaimsSet claims = idToken.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(issuer());
        assertThat(claims.getAudience()).containsExactly(publicApp);
        assertThat(claims.getExpirationTime()).isInTheFuture();
        assertThat(claims.getStringClaim("nonce"))
                .isEqualTo(standalone.request().get("nonce"));
        assertThat(claims.getStringClaim("fhirUser")).isEqualTo(fhirBase() + "/Patient/" + patient);
    }

    @Test
    // (g)(10) OpenID Connect: the resource named by fhirUser can be read with the access token.
    void theFhirUserOfAStandaloneLaunchIsReadableWithItsAccessToken() throws Exception {
        String fhirUser = SignedJWT.parse(standalone.token().get("id_token").asText())
                .getJWTClaimsSet()
                .getStringClaim("fhirUser");

        HttpResponse<String> read = send(HttpRequest.newBuilder(URI.create(fhirUser))
                .header("Authorization", "Bearer " + standalone.accessToken()));

        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        assertThat(fhirContext
                        .newJsonParser()
                        .parseResource(Patient.class, read.body())
                        .getIdPart())
                .isEqualTo(patient);
    }

    @Test
    // SMART / (g)(10) access: a patient token reads its patient and gets a 403 OperationOutcome for another patient.
    void aPatientTokenReadsItsOwnRecordAndAnotherPatientsIsA403OperationOutcome() {
        String token = standalone.accessToken();

        assertThat(as(token, "/Patient/" + patient).statusCode()).isEqualTo(200);
        assertThat(as(token, "/Observation/" + labResult).statusCode()).isEqualTo(200);
        assertForbidden(as(token, "/Patient/" + otherPatient));
        assertForbidden(as(token, "/Observation/" + otherPatientsResult));
    }

    @Test
    // (g)(10) limited access: the same person authorizes the same app again, unticking a scope granted before; it is
    // not granted.
    void aScopeGrantedBeforeButUntickedNowIsNotGrantedAgain() throws Exception {
        String returning = newPatientUser();
        AuthorizationCodeFlow first = browser();
        Launch everything = launch(
                first,
                publicRequest(first, "launch/patient patient/Patient.rs patient/Observation.rs"),
                returning,
                PATIENT_PASSWORD,
                List.of("launch/patient", "patient/Patient.rs", "patient/Observation.rs"),
                publicApp,
                null,
                PUBLIC_REDIRECT);
        assertThat(everything.token().get("scope").asText().split(" ")).contains("patient/Observation.rs");

        // offline_access is new, so the consent page is shown again; the person leaves Observations out.
        AuthorizationCodeFlow second = browser();
        Launch limited = launch(
                second,
                publicRequest(second, "launch/patient patient/Patient.rs patient/Observation.rs offline_access"),
                returning,
                PATIENT_PASSWORD,
                List.of("launch/patient", "patient/Patient.rs", "offline_access"),
                publicApp,
                null,
                PUBLIC_REDIRECT);

        assertThat(Set.of(limited.token().get("scope").asText().split(" ")))
                .containsExactlyInAnyOrder("launch/patient", "patient/Patient.rs", "offline_access");
        assertForbidden(as(limited.accessToken(), "/Observation/" + labResult));
    }

    // ---- Authorization request errors ----

    @Test
    // SMART STU2.2 standalone launch: an aud that is not this FHIR base ends in an error redirect, with the state.
    void anAudienceOtherThanTheFhirBaseIsAnErrorRedirectWithState() {
        AuthorizationCodeFlow browser = browser();
        Map<String, String> request = publicRequest(browser, "launch/patient patient/Patient.rs");
        request.put("aud", fhirBase() + "/");

        HttpResponse<String> response = browser.authorize(request);

        assertThat(location(response)).startsWith(PUBLIC_REDIRECT + "?");
        assertThat(query(response))
                .containsEntry("error", "invalid_request")
                .containsEntry("state", request.get("state"))
                .doesNotContainKey("code");
    }

    @Test
    // SMART STU2.2: PKCE is required; an authorization request without code_challenge is refused.
    void anAuthorizationRequestWithoutPkceIsRefused() {
        AuthorizationCodeFlow browser = browser();
        Map<String, String> request = publicRequest(browser, "launch/patient patient/Patient.rs");
        request.remove("code_challenge");
        request.remove("code_challenge_method");

        assertThat(query(browser.authorize(request)))
                .containsEntry("error", "invalid_request")
                .doesNotContainKey("code");
    }

    @Test
    // SMART STU2.2: the plain PKCE method is refused; only S256 is accepted.
    void aPlainPkceChallengeIsRefused() {
        AuthorizationCodeFlow browser = browser();
        Map<String, String> request = publicRequest(browser, "launch/patient patient/Patient.rs");
        request.put("code_challenge", browser.verifier());
        request.put("code_challenge_method", "plain");

        assertThat(query(browser.authorize(request)))
                .containsEntry("error", "invalid_request")
                .doesNotContainKey("code");
    }

    @Test
    // SMART STU2.2 / OAuth: a redirect_uri not registered exactly is an error shown by the server, never a redirect.
    void anUnregisteredRedirectUriIsRefusedWithoutRedirecting() {
        for (String redirect :
                List.of("http://127.0.0.1:7899/callback", PUBLIC_REDIRECT + "/more", PUBLIC_REDIRECT + "?x=1")) {
            AuthorizationCodeFlow browser = browser();
            Map<String, String> request = publicRequest(browser, "launch/patient patient/Patient.rs");
            request.put("redirect_uri", redirect);

            HttpResponse<String> response = browser.authorize(request);

            assertThat(response.statusCode()).as(redirect).isEqualTo(400);
            assertThat(response.headers().firstValue("Location")).isEmpty();
        }
    }

    @Test
    // SMART STU2.2 token exchange: a code is refused (400) with a wrong verifier and once it has been used.
    void aCodeWorksOnceAndOnlyWithItsVerifier() {
        AuthorizationCodeFlow browser = browser();
        HttpResponse<String> callback = browser.consent(
                consentPage(
                        browser,
                        publicRequest(browser, "launch/patient patient/Patient.rs"),
                        newPatientUser(),
                        PATIENT_PASSWORD),
                List.of("launch/patient", "patient/Patient.rs"));
        String code = query(callback).get("code");

        HttpResponse<String> wrongVerifier =
                browser.exchange(publicApp, PUBLIC_REDIRECT, code, browser().verifier());
        assertThat(wrongVerifier.statusCode()).isEqualTo(400);
        assertThat(wrongVerifier.body()).contains("invalid_grant");
        assertThat(browser.exchange(publicApp, PUBLIC_REDIRECT, code, browser.verifier())
                        .statusCode())
                .isEqualTo(200);
        HttpResponse<String> reused = browser.exchange(publicApp, PUBLIC_REDIRECT, code, browser.verifier());
        assertThat(reused.statusCode()).isEqualTo(400);
        assertThat(reused.body()).contains("invalid_grant");
    }

    @Test
    // SMART STU2.2 token exchange: a code the server never issued is refused with 400 invalid_grant.
    void aMadeUpCodeIs400() {
        AuthorizationCodeFlow browser = browser();

        HttpResponse<String> response =
                browser.exchange(publicApp, PUBLIC_REDIRECT, "made-up-" + UUID.randomUUID(), browser.verifier());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("invalid_grant");
    }

    // ---- Refresh ----

    @Test
    // SMART STU2.2 token refresh (public client): the refresh token works with client_id alone, rotates, and the old
    // one is dead.
    void aPublicAppRefreshesWithItsClientIdAloneAndEachRefreshTokenWorksOnce() throws Exception {
        AuthorizationCodeFlow browser = browser();
        Launch launch = launch(
                browser,
                publicRequest(browser, "launch/patient patient/Patient.rs offline_access"),
                newPatientUser(),
                PATIENT_PASSWORD,
                List.of("launch/patient", "patient/Patient.rs", "offline_access"),
                publicApp,
                null,
                PUBLIC_REDIRECT);
        String refreshToken = launch.token().get("refresh_token").asText();

        HttpResponse<String> refreshed = browser.refresh(publicApp, refreshToken);
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        JsonNode second = json.readTree(refreshed.body());
        assertThat(second.get("refresh_token").asText()).isNotEqualTo(refreshToken);
        assertThat(second.get("patient").asText()).isEqualTo(patient);
        assertThat(as(second.get("access_token").asText(), "/Patient/" + patient)
                        .statusCode())
                .isEqualTo(200);
        assertThat(browser.refresh(publicApp, refreshToken).statusCode())
                .as("the replaced refresh token")
                .isEqualTo(400);
    }

    @Test
    // SMART STU2.2 token refresh (confidential client): narrowed scopes are granted exactly, the token rotates,
    // widening is refused.
    void aRefreshWithNarrowedScopesGetsExactlyThoseAndRotatesTheRefreshToken() throws Exception {
        AuthorizationCodeFlow browser = browser();
        Launch launch = launch(
                browser,
                browser.authorizationRequest(
                        confidentialApp,
                        CONFIDENTIAL_REDIRECT,
                        "launch/patient patient/Patient.rs patient/Observation.rs offline_access",
                        "state-" + UUID.randomUUID(),
                        fhirBase()),
                newPatientUser(),
                PATIENT_PASSWORD,
                List.of("launch/patient", "patient/Patient.rs", "patient/Observation.rs", "offline_access"),
                confidentialApp,
                confidentialSecret,
                CONFIDENTIAL_REDIRECT);
        String refreshToken = launch.token().get("refresh_token").asText();

        HttpResponse<String> refreshed =
                browser.refresh(confidentialApp, confidentialSecret, refreshToken, "patient/Patient.rs offline_access");
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        JsonNode second = json.readTree(refreshed.body());
        assertThat(Set.of(second.get("scope").asText().split(" ")))
                .containsExactlyInAnyOrder("patient/Patient.rs", "offline_access");
        assertThat(SignedJWT.parse(second.get("access_token").asText())
                        .getJWTClaimsSet()
                        .getStringClaim("scope"))
                .isEqualTo(second.get("scope").asText());
        String narrowed = second.get("access_token").asText();
        assertThat(as(narrowed, "/Patient/" + patient).statusCode()).isEqualTo(200);
        assertForbidden(as(narrowed, "/Observation/" + labResult));
        String rotated = second.get("refresh_token").asText();
        assertThat(rotated).isNotEqualTo(refreshToken);
        assertThat(browser.refresh(confidentialApp, confidentialSecret, refreshToken, null)
                        .statusCode())
                .as("the replaced refresh token")
                .isEqualTo(400);
        assertThat(browser.refresh(confidentialApp, confidentialSecret, rotated, "patient/*.cruds")
                        .statusCode())
                .as("a refresh cannot widen the scopes")
                .isEqualTo(400);
    }

    // ---- Confidential clients ----

    @Test
    // SMART STU2.2 client-confidential-symmetric: HTTP Basic with the secret gets the token, a wrong secret is 401.
    void aConfidentialSymmetricClientAuthenticatesWithBasicAndAWrongSecretIs401() throws Exception {
        AuthorizationCodeFlow browser = browser();
        HttpResponse<String> callback = browser.consent(
                consentPage(
                        browser,
                        browser.authorizationRequest(
                                confidentialApp,
                                CONFIDENTIAL_REDIRECT,
                                "launch/patient patient/Patient.rs",
                                "state-" + UUID.randomUUID(),
                                fhirBase()),
                        newPatientUser(),
                        PATIENT_PASSWORD),
                List.of("launch/patient", "patient/Patient.rs"));
        String code = query(callback).get("code");

        HttpResponse<String> wrong =
                browser.exchange(confidentialApp, "wrong-secret", CONFIDENTIAL_REDIRECT, code, browser.verifier());
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("invalid_client");
        HttpResponse<String> right =
                browser.exchange(confidentialApp, confidentialSecret, CONFIDENTIAL_REDIRECT, code, browser.verifier());
        assertThat(right.statusCode()).as(right.body()).isEqualTo(200);
        assertThat(json.readTree(right.body()).get("patient").asText()).isEqualTo(patient);
    }

    @Test
    // SMART STU2.2 client-confidential-asymmetric: a registered app exchanges its code with a signed client assertion.
    void aConfidentialAsymmetricClientExchangesItsCodeWithASignedAssertion() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_384)
                .keyID(UUID.randomUUID().toString())
                .algorithm(JWSAlgorithm.ES384)
                .generate();
        HttpResponse<String> registered = send(HttpRequest.newBuilder(URI.create(issuer() + "/oauth2/register"))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("Authorization", "Bearer " + INITIAL_ACCESS_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(
                        """
                        {"client_name":"Acceptance asymmetric app","token_endpoint_auth_method":"private_key_jwt",
                         "grant_types":["authorization_code"],"redirect_uris":["%s"],
                         "scope":"launch/patient patient/Patient.rs","jwks":%s}
                        """.formatted(ASYMMETRIC_REDIRECT, new JWKSet(key.toPublicJWK()).toString(true)))));
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        String clientId = json.readTree(registered.body()).get("client_id").asText();
        BackendServicesTestClient signer = BackendServicesTestClient.of(clientId, tokenEndpoint(), key, null);
        AuthorizationCodeFlow browser = browser();
        HttpResponse<String> callback = browser.consent(
                consentPage(
                        browser,
                        browser.authorizationRequest(
                                clientId,
                                ASYMMETRIC_REDIRECT,
                                "launch/patient patient/Patient.rs",
                                "state-" + UUID.randomUUID(),
                                fhirBase()),
                        newPatientUser(),
                        PATIENT_PASSWORD),
                List.of("launch/patient", "patient/Patient.rs"));
        Map<String, String> exchange = new HashMap<>(Map.of(
                "grant_type",
                "authorization_code",
                "code",
                query(callback).get("code"),
                "redirect_uri",
                ASYMMETRIC_REDIRECT,
                "code_verifier",
                browser.verifier()));

        ECKey stranger = new ECKeyGenerator(Curve.P_384).keyID(key.getKeyID()).generate();
        exchange.put("client_assertion", signer.assertion(claims -> {}, stranger));
        assertThat(signer.requestToken(exchange).statusCode())
                .as("an assertion signed by a key the app did not register")
                .isEqualTo(401);
        exchange.put("client_assertion", signer.assertion());
        HttpResponse<String> token = signer.requestToken(exchange);
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        JsonNode answer = json.readTree(token.body());
        assertThat(answer.get("patient").asText()).isEqualTo(patient);
        assertThat(as(answer.get("access_token").asText(), "/Patient/" + patient)
                        .statusCode())
                .isEqualTo(200);
    }

    // ---- EHR launch ----

    @Test
    // SMART STU2.2 / (g)(10) EHR launch: the token response carries the launch's patient and encounter, which the token
    // reaches.
    void anEhrLaunchAnswersWithThePatientAndEncounterOfTheLaunch() {
        JsonNode token = ehrLaunch.token();

        assertThat(token.get("patient").asText()).isEqualTo(patient);
        assertThat(token.get("encounter").asText()).isEqualTo(encounter);
        assertThat(query(ehrLaunch.callback()))
                .containsEntry("state", ehrLaunch.request().get("state"));
        assertThat(as(ehrLaunch.accessToken(), "/Patient/" + patient).statusCode())
                .isEqualTo(200);
        assertThat(as(ehrLaunch.accessToken(), "/Encounter/" + encounter).statusCode())
                .isEqualTo(200);
        assertForbidden(as(ehrLaunch.accessToken(), "/Patient/" + otherPatient));
    }

    @Test
    // (g)(10) EHR launch: the token response has need_patient_banner and a smart_style_url that serves JSON.
    void anEhrLaunchSaysWhetherToShowAPatientBannerAndWhereItsStyleIs() throws Exception {
        JsonNode token = ehrLaunch.token();

        assertThat(token.get("need_patient_banner").isBoolean()).isTrue();
        String styleUrl = token.get("smart_style_url").asText();
        HttpResponse<String> style = send(HttpRequest.newBuilder(URI.create(styleUrl)));
        assertThat(style.statusCode()).isEqualTo(200);
        assertThat(style.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(json.readTree(style.body()).isObject()).isTrue();
    }

    @Test
    // (g)(10) EHR launch / OpenID Connect: the patient-scoped token reads the Practitioner that fhirUser names.
    void aPatientScopedTokenFromAnEhrLaunchReadsThePractitionerNamedInFhirUser() throws Exception {
        String fhirUser = SignedJWT.parse(ehrLaunch.token().get("id_token").asText())
                .getJWTClaimsSet()
                .getStringClaim("fhirUser");
        assertThat(fhirUser).isEqualTo(fhirBase() + "/Practitioner/" + practitioner);

        HttpResponse<String> read = send(HttpRequest.newBuilder(URI.create(fhirUser))
                .header("Authorization", "Bearer " + ehrLaunch.accessToken()));

        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        assertThat(fhirContext
                        .newJsonParser()
                        .parseResource(Practitioner.class, read.body())
                        .getIdPart())
                .isEqualTo(practitioner);
    }

    @Test
    // SMART STU2.2 EHR launch: the launch scope without a launch value, or with an unknown one, is refused.
    void theLaunchScopeNeedsALaunchValueTheEhrCreated() {
        AuthorizationCodeFlow browser = browser();
        Map<String, String> missing = browser.authorizationRequest(
                ehrApp, EHR_REDIRECT, "launch patient/Patient.rs", "state-missing", fhirBase());
        Map<String, String> madeUp = new LinkedHashMap<>(missing);
        madeUp.put("launch", "made-up-" + UUID.randomUUID());

        assertThat(query(browser.authorize(missing))).containsEntry("error", "invalid_request");
        assertThat(query(browser.authorize(madeUp))).containsEntry("error", "invalid_request");
    }

    // ---- Scopes ----

    @Test
    // SMART STU2.2 / (g)(10) granular scopes: a category scope shows that category only; others read as absent (404).
    void aGranularCategoryScopeReachesOnlyThatCategory() throws Exception {
        AuthorizationCodeFlow browser = browser();
        Launch launch = launch(
                browser,
                publicRequest(browser, "launch/patient patient/Patient.rs patient/Observation.rs"),
                newPatientUser(),
                PATIENT_PASSWORD,
                List.of("launch/patient", "patient/Patient.rs", LAB_SCOPE),
                publicApp,
                null,
                PUBLIC_REDIRECT);
        String token = launch.accessToken();

        assertThat(launch.token().get("scope").asText().split(" "))
                .contains(LAB_SCOPE)
                .doesNotContain("patient/Observation.rs");
        assertThat(as(token, "/Observation/" + labResult).statusCode()).isEqualTo(200);
        assertThat(as(token, "/Observation/" + vitalSigns).statusCode()).isEqualTo(404);
        HttpResponse<String> search = as(token, "/Observation?patient=" + patient);
        assertThat(search.statusCode()).as(search.body()).isEqualTo(200);
        assertThat(fhirContext
                        .newJsonParser()
                        .parseResource(Bundle.class, search.body())
                        .getEntry())
                .extracting(entry -> entry.getResource().getIdElement().getIdPart())
                .containsExactly(labResult);
    }

    @Test
    // SMART v2 scopes: .rs on one type reads and searches it only; other types and writes are 403 OperationOutcomes.
    void v2ReadAndSearchOnOneTypeAllowExactlyThat() {
        String token = systemToken("system/Patient.rs");

        assertThat(as(token, "/Patient/" + patient).statusCode()).isEqualTo(200);
        assertThat(as(token, "/Patient?family=Acceptance").statusCode()).isEqualTo(200);
        assertForbidden(as(token, "/Observation/" + labResult));
        assertForbidden(send(anonymousRequest("/Patient")
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\"}"))));
        assertForbidden(send(anonymousRequest("/Patient/" + patient)
                .header("Authorization", "Bearer " + token)
                .DELETE()));
    }

    @Test
    // SMART v1 scopes: .read reads and searches its type but writes nothing and reaches no other type.
    void v1ReadAllowsReadAndSearchButNoWrite() {
        String token = systemToken("system/Observation.read");

        assertThat(as(token, "/Observation/" + labResult).statusCode()).isEqualTo(200);
        assertThat(as(token, "/Observation?subject=Patient/" + patient).statusCode())
                .isEqualTo(200);
        assertForbidden(send(anonymousRequest("/Observation")
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"}}"))));
        assertForbidden(as(token, "/Patient/" + patient));
    }

    // ---- Tokens /fhir refuses ----

    @Test
    // SMART / (g)(10) unauthenticated access: a read without a token is 401 with a Bearer WWW-Authenticate.
    void aRequestWithoutATokenIs401WithWwwAuthenticate() {
        HttpResponse<String> response = send(anonymousRequest("/Patient/" + patient));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    }

    @Test
    // (g)(10) token checks: a malformed bearer token is 401 invalid_token.
    void aMalformedTokenIs401() {
        assertRejected("not-a-jwt");
        assertRejected("a.b.c");
    }

    @Test
    // (g)(10) token checks: an unsigned token (alg none), however valid its claims, is 401.
    void anUnsignedAlgNoneTokenIs401() {
        assertRejected(new PlainJWT(minted.validClaims(c -> {}).build()).serialize());
        // The same with a header claiming "alg":"none" written by hand.
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String header = base64.encodeToString("{\"alg\":\"none\"}".getBytes());
        String payload = base64.encodeToString(
                minted.validClaims(c -> {}).build().toString().getBytes());
        assertRejected(header + "." + payload + ".");
    }

    @Test
    // SMART / (g)(10) token checks: an expired token, signed by the server and recorded as issued, is 401.
    void anExpiredTokenIs401() {
        assertAcceptedAsControl();
        Instant past = Instant.now().minus(Duration.ofHours(2));
        assertRejected(issued(MintedTokens.sign(
                minted.validClaims(c -> c.issueTime(Date.from(past)).expirationTime(Date.from(past.plusSeconds(300)))),
                minted.serverKey())));
    }

    @Test
    // SMART / (g)(10) token checks: a token whose aud is not this FHIR base (another server, or a trailing slash) is
    // 401.
    void aTokenForAnotherAudienceIs401() {
        assertAcceptedAsControl();
        assertRejected(issued(MintedTokens.sign(
                minted.validClaims(c -> c.audience("https://other.example/fhir")), minted.serverKey())));
        assertRejected(
                issued(MintedTokens.sign(minted.validClaims(c -> c.audience(fhirBase() + "/")), minted.serverKey())));
    }

    // ---- Revocation and introspection ----

    @Test
    // SMART STU2.2 token revocation: a revoked access token is refused at /fhir with 401 invalid_token.
    void aRevokedTokenIsRefusedAtFhir() {
        BackendServicesTestClient client = newBackendClient("system/Patient.rs");
        String token = client.accessToken();
        assertThat(as(token, "/Patient?_count=1").statusCode()).isEqualTo(200);

        assertThat(client.revoke(token).statusCode()).isEqualTo(200);

        HttpResponse<String> afterwards = as(token, "/Patient?_count=1");
        assertThat(afterwards.statusCode()).isEqualTo(401);
        assertThat(afterwards.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
    }

    @Test
    // SMART STU2.2 token introspection: an active token is described with active, scope, client_id and exp.
    void introspectionDescribesAnActiveToken() throws Exception {
        BackendServicesTestClient client = newBackendClient("system/Patient.rs");

        HttpResponse<String> active = client.introspect(client.accessToken());

        assertThat(active.statusCode()).as(active.body()).isEqualTo(200);
        JsonNode description = json.readTree(active.body());
        assertThat(description.get("active").asBoolean()).isTrue();
        assertThat(description.get("scope").asText()).isEqualTo("system/Patient.rs");
        assertThat(description.get("client_id").asText()).isEqualTo(client.clientId());
        assertThat(description.get("exp").asLong()).isGreaterThan(Instant.now().getEpochSecond());
    }

    @Test
    // SMART STU2.2 token introspection: a revoked or unknown token is {"active":false} and nothing more.
    void introspectionOfARevokedOrUnknownTokenSaysOnlyActiveFalse() throws Exception {
        BackendServicesTestClient client = newBackendClient("system/Patient.rs");
        String token = client.accessToken();
        client.revoke(token);

        HttpResponse<String> inactive = client.introspect(token);

        assertThat(inactive.statusCode()).isEqualTo(200);
        assertThat(json.readTree(inactive.body())).isEqualTo(json.readTree("{\"active\":false}"));
        assertThat(json.readTree(client.introspect("not-a-token-we-issued").body()))
                .isEqualTo(json.readTree("{\"active\":false}"));
    }

    // ---- Backend Services ----

    @Test
    // SMART Backend Services: a signed assertion without client_id gets a short-lived Bearer JWT for the FHIR base, no
    // refresh token.
    void aSignedAssertionWithoutClientIdGetsABearerJwtForTheFhirBase() throws Exception {
        BackendServicesTestClient client = newBackendClient("system/Patient.rs");

        HttpResponse<String> response =
                client.requestToken(Map.of("scope", "system/Patient.rs", "client_assertion", client.assertion()));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = json.readTree(response.body());
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("scope").asText()).isEqualTo("system/Patient.rs");
        assertThat(body.get("expires_in").asLong()).isBetween(1L, 300L);
        assertThat(body.has("refresh_token")).isFalse();
        JWTClaimsSet claims = SignedJWT.parse(body.get("access_token").asText()).getJWTClaimsSet();
        assertThat(claims.getAudience()).containsExactly(fhirBase());
        assertThat(claims.getStringClaim("scope")).isEqualTo("system/Patient.rs");
    }

    @Test
    // SMART Backend Services: an assertion replayed with the same jti is refused with invalid_client.
    void aReplayedAssertionIsRefused() {
        BackendServicesTestClient client = newBackendClient("system/Patient.rs");
        String assertion = client.assertion();

        assertThat(client.requestToken(Map.of("scope", "system/Patient.rs", "client_assertion", assertion))
                        .statusCode())
                .isEqualTo(200);
        HttpResponse<String> replay =
                client.requestToken(Map.of("scope", "system/Patient.rs", "client_assertion", assertion));
        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(replay.body()).contains("invalid_client");
    }

    @Test
    // SMART Backend Services: an assertion signed with an algorithm other than RS384/ES384 (HS256, ES256) is refused.
    void anAssertionSignedWithAnUnsupportedAlgorithmIsRefused() throws Exception {
        BackendServicesTestClient client = newBackendClient("system/Patient.rs");
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        SignedJWT hmac = new SignedJWT(header(JWSAlgorithm.HS256, client.key().getKeyID()), freshClaims(client));
        hmac.sign(new MACSigner(secret));
        ECKey p256 =
                new ECKeyGenerator(Curve.P_256).keyID(client.key().getKeyID()).generate();
        SignedJWT es256 = new SignedJWT(header(JWSAlgorithm.ES256, p256.getKeyID()), freshClaims(client));
        es256.sign(new ECDSASigner(p256));

        for (SignedJWT assertion : List.of(hmac, es256)) {
            HttpResponse<String> response = client.requestToken(
                    Map.of("scope", "system/Patient.rs", "client_assertion", assertion.serialize()));
            assertThat(response.statusCode())
                    .as(assertion.getHeader().getAlgorithm().getName())
                    .isEqualTo(401);
            assertThat(response.body()).contains("invalid_client");
        }
        // The same claims, signed as registered, pass: the algorithm is what was refused.
        assertThat(client.requestToken(Map.of("scope", "system/Patient.rs", "client_assertion", client.assertion()))
                        .statusCode())
                .isEqualTo(200);
    }

    // ---- CORS ----

    @Test
    // SMART STU2.2 CORS: discovery and the CapabilityStatement can be fetched from any origin.
    void discoveryAndMetadataAreOpenToAnyOrigin() {
        for (String path : List.of("/.well-known/smart-configuration", "/metadata")) {
            HttpResponse<String> response = send(anonymousRequest(path).header("Origin", STRANGER_ORIGIN));
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(response.headers().firstValue("Access-Control-Allow-Origin"))
                    .as(path)
                    .hasValue("*");
        }
    }

    @Test
    // SMART STU2.2 CORS: a preflight of the FHIR API from a registered app's origin needs no token and allows
    // Authorization.
    void aPreflightOfTheFhirApiFromARegisteredOriginNeedsNoTokenAndIsAllowed() {
        HttpResponse<String> preflight = send(HttpRequest.newBuilder(URI.create(fhirBase() + "/Patient"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", APP_ORIGIN)
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization,content-type"));

        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
                .hasValue(APP_ORIGIN);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers"))
                .hasValueSatisfying(v -> assertThat(v.toLowerCase()).contains("authorization"));
    }

    // ---- Helpers: the flows themselves are AuthorizationCodeFlow's and BackendServicesTestClient's ----

    private AuthorizationCodeFlow browser() {
        return new AuthorizationCodeFlow(issuer());
    }

    private String issuer() {
        return "http://localhost:" + port;
    }

    private String tokenEndpoint() {
        return issuer() + "/oauth2/token";
    }

    /**
     * Another account of the same patient: the authorization server remembers a person's consent to an
     * app, so a case that needs the consent page of its own signs in as someone who has not consented yet.
     */
    private String newPatientUser() {
        String username = "acceptance-patient-" + UUID.randomUUID();
        users.save(username, PATIENT_PASSWORD, PortalRole.PATIENT, "Patient/" + patient, "Ada Acceptance");
        return username;
    }

    private Map<String, String> publicRequest(AuthorizationCodeFlow browser, String scope) {
        return browser.authorizationRequest(
                publicApp, PUBLIC_REDIRECT, scope, "state-" + UUID.randomUUID(), fhirBase());
    }

    /** Authorize, be sent to the login page, sign in, and land on the consent page. */
    private HttpResponse<String> consentPage(
            AuthorizationCodeFlow browser, Map<String, String> request, String username, String password) {
        assertThat(location(browser.authorize(request))).endsWith("/login");
        HttpResponse<String> toConsent = browser.follow(browser.signIn(username, password));
        assertThat(location(toConsent)).contains("/oauth2/consent");
        HttpResponse<String> page = browser.follow(toConsent);
        assertThat(page.statusCode()).isEqualTo(200);
        return page;
    }

    /** The whole launch: consent to {@code granted}, then the code exchange ({@code secret} null: public). */
    private Launch launch(
            AuthorizationCodeFlow browser,
            Map<String, String> request,
            String username,
            String password,
            List<String> granted,
            String clientId,
            String secret,
            String redirectUri)
            throws Exception {
        HttpResponse<String> callback = browser.consent(consentPage(browser, request, username, password), granted);
        assertThat(location(callback)).startsWith(redirectUri + "?");
        String code = query(callback).get("code");
        HttpResponse<String> token = secret == null
                ? browser.exchange(clientId, redirectUri, code, browser.verifier())
                : browser.exchange(clientId, secret, redirectUri, code, browser.verifier());
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        return new Launch(request, callback, json.readTree(token.body()));
    }

    /** A launch the EHR system creates through the launch API for the patient and encounter. */
    private String newEhrLaunch() throws Exception {
        HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(issuer() + "/launch-contexts"))
                .header("Authorization", "Bearer " + ehrSystem.accessToken())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"patient\":\"" + patient + "\",\"encounter\":\"" + encounter + "\"}")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json.readTree(created.body()).get("launch").asText();
    }

    private JsonNode smartConfiguration() throws Exception {
        return json.readTree(
                send(anonymousRequest("/.well-known/smart-configuration")).body());
    }

    private BackendServicesTestClient newBackendClient(String... scopes) {
        return BackendServicesTestClient.register(registrations, tokenEndpoint(), Set.of(scopes));
    }

    private String systemToken(String... scopes) {
        return newBackendClient(scopes).accessToken();
    }

    private static JWSHeader header(JWSAlgorithm algorithm, String keyId) {
        return new JWSHeader.Builder(algorithm)
                .keyID(keyId)
                .type(JOSEObjectType.JWT)
                .build();
    }

    /** The claims of a correct assertion of {@code client}, with a jti of their own. */
    private static JWTClaimsSet freshClaims(BackendServicesTestClient client) throws Exception {
        return SignedJWT.parse(client.assertion()).getJWTClaimsSet();
    }

    private String issued(String jwt) {
        return minted.issued(jwt, systemClient.clientId());
    }

    /** The minted claims the refusal cases change, accepted unchanged: each refusal is for its one change. */
    private void assertAcceptedAsControl() {
        String control = issued(MintedTokens.sign(minted.validClaims(c -> {}), minted.serverKey()));
        assertThat(as(control, "/Patient?_count=1").statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> as(String token, String path) {
        return send(anonymousRequest(path).header("Authorization", "Bearer " + token));
    }

    private void assertRejected(String token) {
        HttpResponse<String> response = as(token, "/Patient");
        assertThat(response.statusCode()).as("status for token %s", token).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
    }

    private void assertForbidden(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        OperationOutcome outcome = fhirContext.newJsonParser().parseResource(OperationOutcome.class, response.body());
        assertThat(outcome.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
    }

    private static Observation observation(String patientId, String category) {
        Observation observation = new Observation();
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.addCategory().addCoding().setSystem(OBSERVATION_CATEGORY).setCode(category);
        observation.getCode().setText(category + " result");
        observation.setSubject(new Reference("Patient/" + patientId));
        return observation;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }

    private String create(Resource resource) {
        return client().create().resource(resource).execute().getId().getIdPart();
    }
}
