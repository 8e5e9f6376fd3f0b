package io.healthportal.ingest.fhir;

import io.healthportal.smartclient.BackendServicesKey;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The public key of ingest-adapters' Backend Services client, for hapi-server to verify its client
 * assertions by URL (the embedded default registers the client that way). Public by nature.
 */
@RestController
class JwksController {

    private final BackendServicesKey key;

    JwksController(BackendServicesKey key) {
        this.key = key;
    }

    @GetMapping(path = "/.well-known/jwks.json", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> jwks() {
        return ResponseEntity.ok()
                .cacheControl(CacheControl.noCache())
                .body(key.publicKeys().toJSONObject());
    }
}
