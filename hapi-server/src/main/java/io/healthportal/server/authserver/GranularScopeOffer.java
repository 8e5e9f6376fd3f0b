package io.healthportal.server.authserver;

import io.healthportal.server.security.ScopeCategories;
import io.healthportal.server.security.SmartScope;
import io.healthportal.server.security.SmartScope.Context;
import io.healthportal.server.security.SmartScope.Permission;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Lets a person grant part of a broad scope: an authorization request for {@code
 * patient/Observation.rs} is stored as also asking for each of its category scopes ({@code
 * patient/Observation.rs?category=...|laboratory}, ...), so the consent page can offer them as choices and
 * Spring Authorization Server, which grants only scopes that were requested, accepts a consent that ticks
 * one of them instead of the broad scope.
 */
final class GranularScopeOffer {

    private GranularScopeOffer() {}

    /**
     * The category scopes a broad read scope on Observation or Condition offers in its place, or none.
     * They keep its context and its read and search letters.
     */
    static List<String> narrowerChoices(String scope) {
        Optional<SmartScope> parsed = SmartScope.parse(scope);
        if (parsed.isEmpty()) {
            return List.of();
        }
        SmartScope broad = parsed.get();
        if (broad.query() != null || broad.context() == Context.SYSTEM || broad.coversAllTypes()) {
            return List.of();
        }
        String letters = (broad.permissions().contains(Permission.READ) ? "r" : "")
                + (broad.permissions().contains(Permission.SEARCH) ? "s" : "");
        if (letters.isEmpty()) {
            return List.of();
        }
        String prefix =
                broad.context().name().toLowerCase(java.util.Locale.ROOT) + "/" + broad.resourceType() + "." + letters;
        return ScopeCategories.of(broad.resourceType()).stream()
                .map(category -> category.narrow(prefix))
                .toList();
    }

    /** {@code scopes} with each broad scope's narrower choices after it. */
    static Set<String> withNarrowerChoices(Collection<String> scopes) {
        Set<String> offered = new LinkedHashSet<>();
        for (String scope : scopes) {
            offered.add(scope);
            offered.addAll(narrowerChoices(scope));
        }
        return offered;
    }

    /** The broad scope among {@code scopes} that offers {@code scope} as a narrower choice, if any. */
    static Optional<String> broaderOf(String scope, Collection<String> scopes) {
        return scopes.stream()
                .filter(candidate -> narrowerChoices(candidate).contains(scope))
                .findFirst();
    }

    /** Adds the narrower choices to an authorization request as it is read. */
    static final class RequestConverter implements AuthenticationConverter {

        private final AuthenticationConverter delegate;

        RequestConverter(AuthenticationConverter delegate) {
            this.delegate = delegate;
        }

        @Override
        public Authentication convert(HttpServletRequest request) {
            Authentication converted = delegate.convert(request);
            if (!(converted instanceof OAuth2AuthorizationCodeRequestAuthenticationToken authorization)) {
                return converted;
            }
            Set<String> offered = withNarrowerChoices(new ArrayList<>(authorization.getScopes()));
            if (offered.size() == authorization.getScopes().size()) {
                return converted;
            }
            return new OAuth2AuthorizationCodeRequestAuthenticationToken(
                    authorization.getAuthorizationUri(),
                    authorization.getClientId(),
                    (Authentication) authorization.getPrincipal(),
                    authorization.getRedirectUri(),
                    authorization.getState(),
                    offered,
                    authorization.getAdditionalParameters());
        }
    }
}
