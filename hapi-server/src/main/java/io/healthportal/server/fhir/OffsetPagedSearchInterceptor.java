package io.healthportal.server.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.SearchTotalModeEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.IPreResourceAccessDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Runs a client's searches as offset queries. Stock HAPI stores each search and its matching ids in
 * the database (HFJ_SEARCH, HFJ_SEARCH_RESULT) from a background thread before it answers, so every
 * search was also a write; the portal's pages re-run their searches anyway ({@code Cache-Control:
 * no-cache}), so that store bought nothing. An offset query is answered in one read-only transaction
 * and its paging links carry {@code _offset} and {@code _count}: each page is a fresh query under the
 * caller's current authorization. Matches are ordered by the requested {@code _sort} and then by the
 * resource's database id, so consecutive pages neither repeat nor skip a match.
 *
 * <p>Only a client's own search is changed. {@code Patient/$everything} keeps HAPI's stored paging:
 * it gathers the compartment across types and its pages must stay stable while it is read. Searches
 * the server makes while handling a request (authorization, conditional URLs, transaction entries)
 * read all their results and must not be cut to one page.
 */
@Interceptor
public class OffsetPagedSearchInterceptor {

    private static final String PAGE = OffsetPagedSearchInterceptor.class.getName() + ".page";

    private static final Set<RestOperationTypeEnum> SEARCHES =
            Set.of(RestOperationTypeEnum.SEARCH_TYPE, RestOperationTypeEnum.SEARCH_SYSTEM);

    private final int defaultPageSize;

    OffsetPagedSearchInterceptor(int defaultPageSize) {
        this.defaultPageSize = defaultPageSize;
    }

    @Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
    void runAsOffsetQuery(SearchParameterMap search, RequestDetails request) {
        boolean clientSearch = request != null
                && !request.isSubRequest()
                && SEARCHES.contains(request.getRestOperationType())
                && search.getEverythingMode() == null
                // HAPI's full-text path drops the offset; those searches keep stored paging.
                && !search.containsKey(Constants.PARAM_TEXT)
                && !search.containsKey(Constants.PARAM_CONTENT);
        // Synchronous without an offset: HAPI loads every match at once, so there is nothing to page.
        if (!clientSearch || (search.isLoadSynchronous() && search.getOffset() == null)) {
            return;
        }
        if (search.getOffset() == null) {
            search.setOffset(0);
        }
        if (search.getCount() == null) {
            search.setCount(defaultPageSize);
        }
        search.setSort(withResourceIdLast(search.getSort()));
        request.getUserData().put(PAGE, new Page(search.getOffset(), search.getCount()));
    }

    /** The first call is the page's own matches (later ones are its includes), before any filter. */
    @Hook(Pointcut.STORAGE_PREACCESS_RESOURCES)
    void notePageSize(IPreResourceAccessDetails matches, RequestDetails request) {
        Page page = pageOf(request);
        if (page != null && page.matchesFound < 0) {
            page.matchesFound = matches.size();
        }
    }

    /**
     * HAPI decides whether there is a next page from what is left after the server's filters (a
     * category scope, a partner's or a clinician's reach, the component pairing), so a page whose
     * matches were partly filtered out would end the search early. A page that was full before the
     * filters gets its next link back, and a total that counts only what survived is dropped.
     */
    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    void keepPagingPastFilteredMatches(RequestDetails request, ResponseDetails response) {
        Page page = pageOf(request);
        if (page == null
                || page.matchesFound < 0
                || !(response.getResponseResource() instanceof Bundle bundle)
                || bundle.getLink(Bundle.LINK_SELF) == null) {
            return;
        }
        long shown = bundle.getEntry().stream()
                .filter(entry -> entry.getSearch().getMode() != Bundle.SearchEntryMode.INCLUDE)
                .count();
        if (shown >= page.matchesFound) {
            return; // nothing was filtered out: HAPI's links and total stand
        }
        String[] totalMode = request.getParameters().get(Constants.PARAM_SEARCH_TOTAL_MODE);
        boolean countedByQuery = totalMode != null
                && totalMode.length > 0
                && SearchTotalModeEnum.ACCURATE.getCode().equals(totalMode[0]);
        if (!countedByQuery) {
            bundle.setTotalElement(null);
        }
        if (page.count > 0 && page.matchesFound >= page.count && bundle.getLink(Bundle.LINK_NEXT) == null) {
            PagingLinks.addOffsetNext(bundle, page.offset + page.count, page.count);
        }
    }

    private static Page pageOf(RequestDetails request) {
        return request == null ? null : (Page) request.getUserData().get(PAGE);
    }

    /** One offset-paged page of a client's search: where it starts, its size, and its matches before filters. */
    private static final class Page {
        final int offset;
        final int count;
        int matchesFound = -1;

        Page(int offset, int count) {
            this.offset = offset;
            this.count = count;
        }
    }

    /** {@code sort} with a final tie-break on the resource's database id, which is unique. */
    private static SortSpec withResourceIdLast(SortSpec sort) {
        if (sort == null) {
            return new SortSpec(Constants.PARAM_PID);
        }
        SortSpec last = sort;
        while (last.getChain() != null) {
            last = last.getChain();
        }
        if (!Constants.PARAM_PID.equals(last.getParamName())) {
            last.setChain(new SortSpec(Constants.PARAM_PID));
        }
        return sort;
    }
}
