package io.healthportal.server.fhir;

import ca.uhn.fhir.rest.api.Constants;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;

/**
 * HAPI's paging links ({@code ?_getpages=...}) do not repeat the search's parameters. An interceptor
 * that filters each page by a parameter HAPI does not honour carries that parameter into the links,
 * so that the next page is filtered alike.
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
}
