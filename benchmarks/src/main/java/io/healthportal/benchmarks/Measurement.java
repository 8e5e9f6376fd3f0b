package io.healthportal.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;

/**
 * Everything measured for one configuration in one run, on its own fresh database.
 *
 * @param ingest by number of clients
 * @param entriesFoundForOnePatient what each query of the mix returned (first page) about one patient
 * @param ingestServerCpu CPU time the server JVM used during each ingest and the background work it
 *     left (audit records, index merges) until the server was quiet again, by number of clients
 * @param ingestBackground how long that background work went on after the last response
 * @param mix by number of clients
 * @param mixServerCpu CPU time the server JVM used during each timed mix, by number of clients
 * @param ingestRssMaxKib the server's largest RSS while loading
 * @param mixRssMaxKib the server's largest RSS during warm-up and the timed mixes
 */
record Measurement(
        String configuration,
        int run,
        JsonNode settingsDifferingFromStock,
        Duration serverStart,
        Map<Integer, IngestLoad.Result> ingest,
        Map<Integer, Duration> ingestServerCpu,
        Map<Integer, Duration> ingestBackground,
        Map<SearchQuery, Integer> entriesFoundForOnePatient,
        Map<Integer, SearchMix.Result> mix,
        Map<Integer, Duration> mixServerCpu,
        long ingestRssMaxKib,
        long mixRssMaxKib) {}
