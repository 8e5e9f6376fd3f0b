package io.healthportal.ingest.poller;

/** Pulls what is new from one kind of partner site, resuming from the run's position. */
interface PartnerPoller {

    void pull(PollRun run) throws PollFailure;
}
