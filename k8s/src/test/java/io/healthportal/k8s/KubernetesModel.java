package io.healthportal.k8s;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.Map;
import java.util.Optional;

/**
 * Reads core Kubernetes objects into fabric8's model, strictly.
 *
 * <p>fabric8's classes collect unknown fields in an "additional properties" map through a
 * {@code @JsonAnySetter}, so a misspelt field would parse and then be dropped by the API server's
 * defaulting or, worse, be silently ignored. Here any-setters are switched off, unknown fields fail,
 * and scalars are not coerced ({@code "true"} is not a boolean, {@code 8080} is not a string), as
 * the API server itself would refuse them.
 */
final class KubernetesModel {

    /** The core kinds the manifests may use, at the API versions they must use. */
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.ofEntries(
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/PersistentVolumeClaim", PersistentVolumeClaim.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("batch/v1/Job", Job.class),
            Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class));

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .annotationIntrospector(new JacksonAnnotationIntrospector() {
                @Override
                public Boolean hasAnySetter(Annotated annotated) {
                    return Boolean.FALSE;
                }
            })
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private KubernetesModel() {}

    static Optional<Class<? extends HasMetadata>> modelClass(ManifestDocument document) {
        return Optional.ofNullable(KINDS.get(document.apiVersion() + "/" + document.kind()));
    }

    static boolean isCoreKind(ManifestDocument document) {
        return modelClass(document).isPresent();
    }

    /**
     * The document as its fabric8 class.
     *
     * @throws IllegalArgumentException naming the document and the offending field when the document
     *     has a field the model does not know, a value of the wrong type, or a kind not listed here
     */
    static HasMetadata parse(ManifestDocument document) {
        Class<? extends HasMetadata> type = modelClass(document)
                .orElseThrow(() -> new IllegalArgumentException(
                        document + ": " + document.apiVersion() + " " + document.kind() + " is not a known core kind"));
        return parse(document, type);
    }

    static <T extends HasMetadata> T parse(ManifestDocument document, Class<T> type) {
        try {
            return STRICT.treeToValue(document.tree(), type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(document + ": " + e.getOriginalMessage() + " (at " + pathOf(e) + ")", e);
        }
    }

    private static String pathOf(JsonProcessingException e) {
        if (e instanceof JsonMappingException mapping) {
            return mapping.getPathReference();
        }
        return "?";
    }
}
