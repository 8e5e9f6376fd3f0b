package io.healthportal.server.authserver;

import java.security.Principal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsent;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The consent page: each scope the app asks for and the person's role allows is a checkbox, ticked,
 * so the person can grant fewer. It posts back to the authorization endpoint, which issues the code
 * for what was ticked.
 */
@Controller
class ConsentController {

    private final RegisteredClientRepository clients;
    private final OAuth2AuthorizationConsentService consents;
    private final PortalUsers users;

    ConsentController(
            RegisteredClientRepository clients, OAuth2AuthorizationConsentService consents, PortalUsers users) {
        this.clients = clients;
        this.consents = consents;
        this.users = users;
    }

    /** One checkbox: the scope, what it means in words, and whether it was granted before. */
    record ScopeChoice(String scope, String description, boolean grantedBefore) {}

    @GetMapping(AuthorizationServerConfig.CONSENT_PAGE)
    String consent(
            Principal principal,
            Model model,
            @RequestParam(OAuth2ParameterNames.CLIENT_ID) String clientId,
            @RequestParam(OAuth2ParameterNames.SCOPE) String scope,
            @RequestParam(OAuth2ParameterNames.STATE) String state) {
        RegisteredClient client = clients.findByClientId(clientId);
        PortalUser user = users.find(principal.getName()).orElseThrow();
        OAuth2AuthorizationConsent previous =
                client == null ? null : consents.findById(client.getId(), user.username());
        Set<String> grantedBefore = previous == null ? Set.of() : previous.getScopes();

        List<ScopeChoice> offered = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (String requested : Arrays.stream(scope.split(" "))
                .filter(s -> !s.isBlank())
                .distinct()
                .toList()) {
            if ("openid".equals(requested)) {
                continue; // always granted with a sign-in; nothing to choose
            }
            if (RoleScopePolicy.mayGrant(user.role(), requested)) {
                offered.add(new ScopeChoice(
                        requested, ScopeDescriptions.describe(requested), grantedBefore.contains(requested)));
            } else {
                refused.add(requested);
            }
        }
        model.addAttribute("clientId", clientId);
        model.addAttribute("clientName", client == null ? clientId : client.getClientName());
        model.addAttribute("state", state);
        model.addAttribute("userName", user.displayName());
        model.addAttribute("scopes", offered);
        model.addAttribute("refused", refused);
        return "consent";
    }
}
