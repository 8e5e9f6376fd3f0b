package io.healthportal.ingest.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;

/**
 * A scheduled pull from a partner: its HTML portal or its REST API. Each pulled page or item enters the
 * same durable intake as a pushed payload of the partner's format. Credentials are configuration whose
 * values come from the environment ({@code ${PARTNER_X_PASSWORD}}), never from the repository.
 *
 * @param baseUrl the partner's base URL; paths below resolve against it
 * @param interval the wait between two runs (default 15 minutes)
 * @param scheduled whether runs start on their own every {@code interval} (default true); when false a
 *     run happens only when asked for ({@code Pollers.runOnce})
 * @param username the login name (portal form, or HTTP Basic for an API)
 * @param password the password
 * @param bearerToken an API's bearer token (instead of a username and password)
 * @param portal how to log in to and walk an HTML portal
 * @param api how to page through a REST API
 */
public record PollerProperties(
        @NotNull URI baseUrl,
        Duration interval,
        Boolean scheduled,
        String username,
        String password,
        String bearerToken,
        @Valid HtmlPortal portal,
        @Valid RestApi api) {

    public boolean runsOnSchedule() {
        return scheduled == null || scheduled;
    }

    public Duration runEvery() {
        return interval == null ? Duration.ofMinutes(15) : interval;
    }

    @AssertTrue(message = "a poller needs exactly one of portal or api")
    public boolean isOneKindGiven() {
        return (portal == null) != (api == null);
    }

    /**
     * An HTML portal behind a login form: the form is fetched, its hidden fields (the CSRF token among
     * them) are sent back with the credentials, the session cookie is kept, and the result list is walked
     * page by page, each result link opened.
     *
     * @param loginPath the page with the login form
     * @param loginForm the form (CSS selector; default the first {@code form})
     * @param usernameField the name of the form's username field
     * @param passwordField the name of the form's password field
     * @param resultsPath the first page of the result list
     * @param resultLink the links to result pages on a list page (CSS selector)
     * @param nextPage the link to the next list page (CSS selector); none on the last page
     */
    public record HtmlPortal(
            @NotNull String loginPath,
            String loginForm,
            @NotNull String usernameField,
            @NotNull String passwordField,
            @NotNull String resultsPath,
            @NotNull String resultLink,
            @NotNull String nextPage) {

        public String loginFormSelector() {
            return loginForm == null || loginForm.isBlank() ? "form" : loginForm;
        }
    }

    /**
     * A JSON API returning pages of items.
     *
     * @param path the first page
     * @param items JSON pointer to the page's array of items (e.g. {@code /entries})
     * @param itemId JSON pointer, within an item, to its id (the intake's message id)
     * @param next JSON pointer to the next page's URL; when absent, pages are numbered with {@code
     *     pageParameter}
     * @param pageParameter the query parameter of the page number (from 1), used without {@code next}
     */
    public record RestApi(
            @NotNull String path,
            @NotNull String items,
            @NotNull String itemId,
            String next,
            String pageParameter) {}
}
