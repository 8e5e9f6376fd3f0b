package io.healthportal.ingest.poller;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.healthportal.ingest.config.PollerProperties;
import io.healthportal.ingest.config.PollerProperties.RestApi;
import io.healthportal.ingest.poller.PartnerHttp.Fetched;
import io.healthportal.ingest.poller.PollerPositions.Position;
import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A partner's JSON API, paged by a next link in each page ({@code next}) or by a page-number parameter
 * ({@code page-parameter}, from 1, until a page has no items). Each item is handed to intake on its own
 * (its message id the item's id), so one bad item dead-letters alone. The position is the page and the
 * id of the last item handed on it. Credentials (bearer token, or HTTP Basic) go with every request.
 */
final class RestApiPoller implements PartnerPoller {

    private final PollerProperties settings;
    private final RestApi api;
    private final ObjectMapper json = new ObjectMapper();

    RestApiPoller(PollerProperties settings) {
        this.settings = settings;
        this.api = settings.api();
    }

    @Override
    public void pull(PollRun run) throws PollFailure {
        PartnerHttp http = new PartnerHttp(settings);
        Optional<Position> resume = run.resumeFrom();
        URI page = resume.map(p -> settings.baseUrl().resolve(p.page())).orElseGet(this::firstPage);
        String skipThrough = resume.map(Position::lastItem).orElse(null);
        for (int guard = 0; guard < 100_000; guard++) {
            Fetched fetched = http.get(page);
            if (!fetched.ok()) {
                throw new PollFailure(
                        "INGEST-POLL-HTTP", "the API answered " + fetched.status() + " for " + page.getPath());
            }
            JsonNode root = read(fetched, page);
            JsonNode items = root.at(api.items());
            if (!items.isArray()) {
                throw new PollFailure(
                        HtmlPortalPoller.LAYOUT_CHANGED,
                        "layout-changed: no array at " + api.items() + " in the page from " + page.getPath());
            }
            boolean skipping = skipThrough != null;
            for (JsonNode item : items) {
                String id = item.at(api.itemId()).asText("");
                if (id.isBlank()) {
                    throw new PollFailure(
                            "INGEST-POLL-NO-ITEM-ID",
                            "an item on " + page.getPath() + " has nothing at " + api.itemId());
                }
                if (skipping) {
                    skipping = !id.equals(skipThrough);
                    continue;
                }
                try {
                    run.hand(id, json.writeValueAsBytes(item));
                } catch (JsonProcessingException e) {
                    throw new PollFailure("INGEST-POLL-BAD-JSON", "an item could not be written back as JSON");
                }
                run.advance(new Position(relative(page), id));
            }
            if (skipping) {
                // The last item handed is gone from its page (the partner re-paged): take the page whole;
                // the intake recognises what it already holds.
                skipThrough = null;
                continue;
            }
            URI next = next(root, page, items.size());
            if (next == null) {
                return;
            }
            page = next;
            skipThrough = null;
            run.advance(new Position(relative(page), null));
        }
        throw new PollFailure("INGEST-POLL-TOO-MANY-PAGES", "the API kept answering with further pages");
    }

    private URI firstPage() {
        URI first = settings.baseUrl().resolve(api.path());
        return api.next() == null && api.pageParameter() != null ? withPage(first, 1) : first;
    }

    private URI next(JsonNode root, URI page, int itemCount) {
        if (api.next() != null) {
            String link = root.at(api.next()).asText("");
            return link.isBlank() ? null : page.resolve(link);
        }
        if (api.pageParameter() == null || itemCount == 0) {
            return null;
        }
        Matcher number = Pattern.compile("(?:^|&)" + Pattern.quote(api.pageParameter()) + "=(\\d+)")
                .matcher(page.getRawQuery() == null ? "" : page.getRawQuery());
        int current = number.find() ? Integer.parseInt(number.group(1)) : 1;
        return withPage(page, current + 1);
    }

    private URI withPage(URI uri, int pageNumber) {
        String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        String parameter = api.pageParameter() + "=" + pageNumber;
        String replaced = query.replaceAll("(^|&)" + Pattern.quote(api.pageParameter()) + "=\\d+", "$1" + parameter);
        if (replaced.equals(query)) {
            replaced = query.isEmpty() ? parameter : query + "&" + parameter;
        }
        return URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath() + "?" + replaced);
    }

    private JsonNode read(Fetched fetched, URI page) throws PollFailure {
        try {
            return json.readTree(fetched.body());
        } catch (IOException e) {
            throw new PollFailure("INGEST-POLL-BAD-JSON", "the page from " + page.getPath() + " is not JSON");
        }
    }

    private static String relative(URI uri) {
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }
}
