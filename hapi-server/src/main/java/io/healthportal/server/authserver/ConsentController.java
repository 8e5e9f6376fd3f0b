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
 * so the person can grant fewer; beneath a broad Observation or Condition scope its category scopes are
 * unticked checkboxes, so the person can share only, say, laboratory results. What is ticked is granted. It posts back to the authorization endpoint, which issues the code
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

    /**
     * One checkbox: the scope, what it means in words, whether it was granted before, and for a broad
     * scope the narrower category scopes the person may tick instead.
     */
    record ScopeChoice(String scope, String description, boolean grantedBefore, List<ScopeChoice> narrower) {}

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

        List<String> requested = Arrays.stream(scope.split(" "))
                .filter(s -> !s.isBlank())
                .distinct()
                .toList();
        List<ScopeChoice> offered = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (String asked : requested) {
            if ("openid".equals(asked)) {
                continue; // always granted with a sign-in; nothing to choose
            }
            if (GranularScopeOffer.broaderOf(asked, requested).isPresent()) {
                continue; // offered beneath its broad scope
            }
            if (!RoleScopePolicy.mayGrant(user.role(), asked)) {
                refused.add(asked);
                continue;
            }
            List<ScopeChoice> narrower = GranularScopeOffer.narrowerChoices(asked).stream()
                    .filter(requested::contains)
                    .map(choice -> new ScopeChoice(
                            choice,
                            ScopeDescriptions.describeNarrower(choice),
                            grantedBefore.contains(choice),
                            List.of()))
                    .toList();
            offered.add(new ScopeChoice(
                    asked, ScopeDescriptions.describe(asked, user.role()), grantedBefore.contains(asked), narrower));
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
