package io.healthportal.server.fhir;

import ca.uhn.fhir.rest.api.Constants;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Edits to HAPI's paging links. HAPI's stored-search links ({@code ?_getpages=...}) do not repeat the
 * search's parameters: an interceptor that filters each page by a parameter HAPI does not honour
 * carries that parameter into them, so that the next page is filtered alike. An offset-paged search
 * whose page HAPI wrongly took for the last gets its {@code next} link from its {@code self} link.
 */
final class PagingLinks {

    private PagingLinks() {}

    /** Adds {@code parameters} (name to values, encoded here) to every paging link that lacks them. */
    static void carry(Bundle bundle, Map<String, String[]> parameters) {
        StringBuilder query = new StringBuilder();
        parameters.forEach((name, values) -> {
            for (String value : values) {
                query.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        });
        for (Bundle.BundleLinkComponent link : bundle.getLink()) {
            String url = link.getUrl();
            if (url != null && url.contains(Constants.PARAM_PAGINGACTION) && !url.contains(query)) {
                link.setUrl(url + (url.contains("?") ? query : "?" + query.substring(1)));
            }
        }
    }

    /** Adds a {@code next} link: the {@code self} link with {@code _offset} and {@code _count} replaced. */
    static void addOffsetNext(Bundle bundle, int offset, int count) {
        String next = UriComponentsBuilder.fromUriString(
                        bundle.getLink(Bundle.LINK_SELF).getUrl())
                .replaceQueryParam(Constants.PARAM_OFFSET, offset)
                .replaceQueryParam(Constants.PARAM_COUNT, count)
                .build(true)
                .toUriString();
        bundle.addLink().setRelation(Bundle.LINK_NEXT).setUrl(next);
    }
}
