package io.healthportal.ingest.poller;

import io.healthportal.ingest.config.PollerProperties;
import io.healthportal.ingest.config.PollerProperties.HtmlPortal;
import io.healthportal.ingest.poller.PartnerHttp.Fetched;
import io.healthportal.ingest.poller.PollerPositions.Position;
import java.net.URI;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jsoup.Connection;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.FormElement;

/**
 * A partner's HTML portal, walked with jsoup: GET the login form, send back its fields (the CSRF token is
 * one of its hidden inputs) with the credentials, keep the session cookie, then walk the result list page
 * by page (the {@code next-page} link) and hand each linked result page to intake as a payload of the
 * partner. The position is the list page and the last result handed on it, as paths below the base URL.
 */
final class HtmlPortalPoller implements PartnerPoller {

    static final String LAYOUT_CHANGED = "INGEST-POLL-LAYOUT-CHANGED";

    private final PollerProperties settings;
    private final HtmlPortal portal;
    private final Charset charset;

    HtmlPortalPoller(PollerProperties settings, Charset charset) {
        this.settings = settings;
        this.portal = settings.portal();
        this.charset = charset;
    }

    @Override
    public void pull(PollRun run) throws PollFailure {
        if (blank(settings.username()) || blank(settings.password())) {
            throw new PollFailure("INGEST-POLL-UNCONFIGURED", "the portal's username or password is not configured");
        }
        PartnerHttp http = new PartnerHttp(settings);
        login(http);
        Optional<Position> resume = run.resumeFrom();
        URI page = resolve(resume.map(Position::page).orElse(portal.resultsPath()));
        String skipThrough = resume.map(Position::lastItem).orElse(null);
        Set<String> visited = new HashSet<>();
        while (page != null && visited.add(relative(page))) {
            Document list = parse(fetch(http, page));
            if (isLoginForm(list)) {
                throw new PollFailure(
                        "INGEST-POLL-SESSION-LOST", "the portal showed its login form for " + page.getPath());
            }
            List<String> links = new ArrayList<>();
            for (Element link : list.select(portal.resultLink())) {
                String target = relative(URI.create(link.absUrl("href")));
                if (!links.contains(target)) {
                    links.add(target);
                }
            }
            int start = skipThrough == null ? 0 : links.indexOf(skipThrough) + 1;
            for (String link : links.subList(start, links.size())) {
                Fetched result = fetch(http, resolve(link));
                run.hand(link, result.body());
                run.advance(new Position(relative(page), link));
            }
            Element next = list.selectFirst(portal.nextPage());
            if (next == null || next.absUrl("href").isEmpty()) {
                return;
            }
            page = URI.create(next.absUrl("href"));
            skipThrough = null;
            run.advance(new Position(relative(page), null));
        }
    }

    private void login(PartnerHttp http) throws PollFailure {
        Document loginPage = parse(fetch(http, resolve(portal.loginPath())));
        Element found = loginPage.selectFirst(portal.loginFormSelector());
        if (!(found instanceof FormElement form)
                || form.selectFirst(inputNamed(portal.usernameField())) == null
                || form.selectFirst(inputNamed(portal.passwordField())) == null) {
            throw new PollFailure(
                    LAYOUT_CHANGED,
                    "layout-changed: the login page has no form (" + portal.loginFormSelector() + ") with fields "
                            + portal.usernameField() + " and " + portal.passwordField());
        }
        // Every named field goes back as the portal filled it: the CSRF token is one of them.
        Map<String, String> fields = new LinkedHashMap<>();
        for (Connection.KeyVal field : form.formData()) {
            fields.put(field.key(), field.value());
        }
        fields.put(portal.usernameField(), settings.username());
        fields.put(portal.passwordField(), settings.password());
        String action = form.absUrl("action");
        URI target = action.isEmpty() ? resolve(portal.loginPath()) : URI.create(action);
        Fetched answer = http.postForm(target, fields);
        if (!answer.ok() || isLoginForm(parse(answer))) {
            throw new PollFailure(
                    "INGEST-POLL-LOGIN-FAILED",
                    "the portal refused the login (" + answer.status() + " from " + target.getPath() + ")");
        }
    }

    private static Fetched fetch(PartnerHttp http, URI uri) throws PollFailure {
        Fetched fetched = http.get(uri);
        if (!fetched.ok()) {
            throw new PollFailure(
                    "INGEST-POLL-HTTP", "the portal answered " + fetched.status() + " for " + uri.getPath());
        }
        return fetched;
    }

    private Document parse(Fetched fetched) {
        return Jsoup.parse(new String(fetched.body(), charset), fetched.uri().toString());
    }

    private boolean isLoginForm(Document page) {
        return page.selectFirst(inputNamed(portal.passwordField())) != null;
    }

    private static String inputNamed(String name) {
        return "input[name=\"" + name.replace("\"", "") + "\"]";
    }

    private URI resolve(String pathAndQuery) {
        return settings.baseUrl().resolve(pathAndQuery);
    }

    /** The path and query of a portal URL: positions and message ids survive a change of host. */
    private static String relative(URI uri) {
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
