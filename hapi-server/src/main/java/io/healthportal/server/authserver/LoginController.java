package io.healthportal.server.authserver;

import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The sign-in page; Spring Security's form login checks the password it posts. With identity providers
 * configured it also offers "Sign in with ..." links, and explains a refused external sign-in.
 */
@Controller
class LoginController {

    private final IdentityProviders providers;

    LoginController(IdentityProviders providers) {
        this.providers = providers;
    }

    @GetMapping(AuthorizationServerConfig.LOGIN_PAGE)
    String login(
            @RequestParam(name = "error", required = false) String error,
            @RequestParam(name = "logout", required = false) String logout,
            Model model) {
        model.addAttribute("failed", error != null);
        model.addAttribute("signedOut", logout != null);
        model.addAttribute("providers", providers.choices());
        return "login";
    }

    /** Where {@link ExternalSignIn} sends a refused external sign-in: what happened and what to do. */
    @GetMapping(ExternalSignIn.ERROR_PAGE)
    String providerError(
            @RequestParam(name = "provider", required = false) String providerId,
            @RequestParam(name = "reason", required = false) String reason,
            HttpServletResponse response,
            Model model) {
        String name = providers
                .provider(providerId)
                .map(IdentityProviderProperties.Provider::displayName)
                .orElse("the other service");
        response.setStatus(HttpStatus.FORBIDDEN.value());
        model.addAttribute("error", "You could not sign in with " + name);
        model.addAttribute("explanation", explanation(reason, name));
        return "error";
    }

    /**
     * A "Sign in with ..." that {@link ExternalSignIn} did not start: no such provider (404), or one whose
     * discovery document cannot be read now (503). Only reached through those links, never a dead end.
     */
    @GetMapping(IdentityProviders.START_PATH + "/{providerId}")
    String providerUnavailable(
            @PathVariable("providerId") String providerId, HttpServletResponse response, Model model) {
        Optional<IdentityProviderProperties.Provider> provider = providers.provider(providerId);
        response.setStatus(
                provider.isPresent() ? HttpStatus.SERVICE_UNAVAILABLE.value() : HttpStatus.NOT_FOUND.value());
        model.addAttribute(
                "error",
                provider.map(p -> "Signing in with " + p.displayName() + " is not available now")
                        .orElse("There is no such way to sign in"));
        model.addAttribute(
                "explanation",
                provider.isPresent()
                        ? "The portal cannot reach " + provider.get().displayName()
                                + " at the moment. Sign in with your"
                                + " portal username and password instead, or try again later."
                        : "Go back to the sign-in page and sign in with your portal username and password, or with one"
                                + " of the services listed there.");
        return "error";
    }

    private static String explanation(String reason, String name) {
        if (reason == null) {
            reason = "";
        }
        return switch (reason) {
            case "unlinked" ->
                "Your " + name + " account is not linked to an account on the patient health portal."
                        + " Sign in with your portal username and password instead, or ask the practice to link the"
                        + " two accounts.";
            case "wrong-account" ->
                name + " cannot be used to sign in to this kind of portal account."
                        + " Sign in with your portal username and password instead.";
            case "disabled" ->
                "Your portal account is switched off, so no one can sign in to it."
                        + " Contact the practice if you think this is wrong.";
            default ->
                name + " did not confirm who you are, or the sign-in took too long."
                        + " Go back to the sign-in page and try again.";
        };
    }
}
