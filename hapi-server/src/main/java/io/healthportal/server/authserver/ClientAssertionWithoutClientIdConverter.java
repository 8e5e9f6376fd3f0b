package io.healthportal.server.authserver;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import jakarta.servlet.http.HttpServletRequest;
import java.text.ParseException;
import java.util.Map;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * SMART Backend Services clients authenticate with a signed JWT alone: {@code client_id} is not sent
 * beside {@code client_assertion}, which Spring Authorization Server's own converter requires. This one
 * takes the client id from the assertion's {@code iss} (which must equal its {@code sub}); the
 * signature and every claim are verified afterwards against the client's registered keys, exactly as
 * when {@code client_id} is sent. Requests that do send {@code client_id} are left to Spring's converter.
 */
class ClientAssertionWithoutClientIdConverter implements AuthenticationConverter {

    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static final ClientAuthenticationMethod JWT_CLIENT_ASSERTION = new ClientAuthenticationMethod(JWT_BEARER);

    @Override
    public Authentication convert(HttpServletRequest request) {
        String assertion = request.getParameter(OAuth2ParameterNames.CLIENT_ASSERTION);
        if (assertion == null
                || !JWT_BEARER.equals(request.getParameter(OAuth2ParameterNames.CLIENT_ASSERTION_TYPE))
                || request.getParameter(OAuth2ParameterNames.CLIENT_ID) != null
                || request.getParameterValues(OAuth2ParameterNames.CLIENT_ASSERTION).length != 1) {
            return null;
        }
        String clientId;
        try {
            JWTClaimsSet claims = SignedJWT.parse(assertion).getJWTClaimsSet();
            clientId = claims.getIssuer();
            if (clientId == null || !clientId.equals(claims.getSubject())) {
                throw invalidClient("client_assertion iss and sub must both name the client");
            }
        } catch (ParseException e) {
            throw invalidClient("client_assertion is not a signed JWT");
        }
        return new OAuth2ClientAuthenticationToken(clientId, JWT_CLIENT_ASSERTION, assertion, Map.of());
    }

    private static OAuth2AuthenticationException invalidClient(String description) {
        return new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, description, null));
    }
}
