package io.healthportal.ingest.poller;

/**
 * A run that stopped before its end: the partner's site refused, answered unexpectedly or changed. The
 * position stays where the last accepted item left it, so the next run retries from there. The reason
 * names URLs' paths and fields, never page content.
 */
class PollFailure extends Exception {

    private final String code;

    PollFailure(String code, String reason) {
        super(reason);
        this.code = code;
    }

    String code() {
        return code;
    }
}
