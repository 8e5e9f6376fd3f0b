package io.healthportal.k8s;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The rules every pod template in k8s/ keeps, checked on fabric8's model. Each rule yields a sentence
 * naming the workload and container that breaks it, so a failing test says what to fix.
 */
final class PodTemplateRules {

    /** The user the image is built for (Jib's {@code <user>}); never root. */
    static final long APP_USER = 10001;

    /**
     * Environment variables that may carry a literal value: settings, not credentials. Everything
     * else comes from a ConfigMap or a Secret, so that values are reviewed in one place and secrets
     * never sit in the repo.
     */
    static final Set<String> LITERAL_ENV = Set.of("SPRING_PROFILES_ACTIVE", "JAVA_TOOL_OPTIONS", "PORTAL_DATA_DIR");

    static final Pattern SECRET_NAME =
            Pattern.compile("(?i).*(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|PRIVATE|API_?KEY|ACCESS_?KEY).*");

    /** A credential smuggled into a literal, e.g. {@code -Dspring.datasource.password=...}. */
    private static final Pattern SECRET_IN_VALUE = Pattern.compile("(?i).*(password|passwd|secret|token)\\s*[=:].*");

    private PodTemplateRules() {}

    static List<String> violations(String workload, PodSpec pod) {
        List<String> violations = new ArrayList<>();
        PodSecurityContext podContext =
                Optional.ofNullable(pod.getSecurityContext()).orElseGet(PodSecurityContext::new);
        if (!Boolean.TRUE.equals(podContext.getRunAsNonRoot())) {
            violations.add(workload + ": the pod does not set runAsNonRoot: true");
        }
        if (podContext.getFsGroup() == null) {
            violations.add(workload + ": the pod sets no fsGroup, so mounted volumes may not be writable by its user");
        }
        if (Boolean.TRUE.equals(pod.getHostNetwork())
                || Boolean.TRUE.equals(pod.getHostPID())
                || Boolean.TRUE.equals(pod.getHostIPC())) {
            violations.add(workload + ": the pod shares a host namespace");
        }
        if (!Boolean.FALSE.equals(pod.getAutomountServiceAccountToken())) {
            violations.add(workload + ": the pod mounts a service account token it does not need");
        }
        Set<String> volumes = pod.getVolumes().stream().map(Volume::getName).collect(Collectors.toSet());
        Set<String> secretVolumes = pod.getVolumes().stream()
                .filter(volume -> volume.getSecret() != null)
                .map(Volume::getName)
                .collect(Collectors.toSet());
        Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream())
                .forEach(container -> violations.addAll(containerViolations(
                        workload + " container " + container.getName(),
                        podContext,
                        container,
                        volumes,
                        secretVolumes)));
        return violations;
    }

    private static List<String> containerViolations(
            String where, PodSecurityContext pod, Container container, Set<String> volumes, Set<String> secretVolumes) {
        List<String> violations = new ArrayList<>();
        SecurityContext context =
                Optional.ofNullable(container.getSecurityContext()).orElseGet(SecurityContext::new);

        Boolean runAsNonRoot = firstNonNull(context.getRunAsNonRoot(), pod.getRunAsNonRoot());
        Long runAsUser = firstNonNull(context.getRunAsUser(), pod.getRunAsUser());
        SeccompProfile seccomp = firstNonNull(context.getSeccompProfile(), pod.getSeccompProfile());
        if (!Boolean.TRUE.equals(runAsNonRoot)) {
            violations.add(where + " may run as root (runAsNonRoot is not true)");
        }
        if (runAsUser == null || runAsUser != APP_USER) {
            violations.add(where + " runs as user " + runAsUser + ", not " + APP_USER);
        }
        if (!Boolean.TRUE.equals(context.getReadOnlyRootFilesystem())) {
            violations.add(where + " has a writable root filesystem");
        }
        if (!Boolean.FALSE.equals(context.getAllowPrivilegeEscalation())) {
            violations.add(where + " does not set allowPrivilegeEscalation: false");
        }
        if (Boolean.TRUE.equals(context.getPrivileged())) {
            violations.add(where + " is privileged");
        }
        List<String> dropped = context.getCapabilities() == null
                ? List.of()
                : context.getCapabilities().getDrop();
        if (!dropped.contains("ALL")) {
            violations.add(where + " does not drop ALL capabilities");
        }
        if (context.getCapabilities() != null
                && !context.getCapabilities().getAdd().isEmpty()) {
            violations.add(
                    where + " adds capabilities " + context.getCapabilities().getAdd());
        }
        if (seccomp == null || !"RuntimeDefault".equals(seccomp.getType())) {
            violations.add(where + " has no RuntimeDefault seccomp profile");
        }

        var resources = container.getResources();
        Map<String, ?> requests = resources == null ? Map.of() : resources.getRequests();
        Map<String, ?> limits = resources == null ? Map.of() : resources.getLimits();
        if (!requests.containsKey("cpu") || !requests.containsKey("memory")) {
            violations.add(where + " does not request both cpu and memory");
        }
        if (!limits.containsKey("memory")) {
            violations.add(where + " has no memory limit");
        }

        String image = container.getImage();
        if (image == null || !image.contains(":") || image.endsWith(":latest")) {
            violations.add(where + " uses image " + image + " without a fixed tag");
        }

        container.getVolumeMounts().forEach(mount -> {
            if (!volumes.contains(mount.getName())) {
                violations.add(where + " mounts undeclared volume " + mount.getName());
            }
            // Keys and credentials are read, never written back: a writable mount would let the app alter them.
            if (secretVolumes.contains(mount.getName()) && !Boolean.TRUE.equals(mount.getReadOnly())) {
                violations.add(where + " mounts Secret volume " + mount.getName() + " writable");
            }
        });

        for (EnvVar env : container.getEnv()) {
            violations.addAll(envViolations(where, env));
        }
        return violations;
    }

    private static List<String> envViolations(String where, EnvVar env) {
        String name = env.getName();
        EnvVarSource from = env.getValueFrom();
        if (from == null) {
            if (!LITERAL_ENV.contains(name)) {
                return List.of(where + " sets " + name + " to a literal; only " + LITERAL_ENV
                        + " may be literals, the rest come from a ConfigMap or Secret");
            }
            if (env.getValue() != null
                    && SECRET_IN_VALUE.matcher(env.getValue()).matches()) {
                return List.of(where + " puts what looks like a credential in the literal value of " + name);
            }
            return List.of();
        }
        if (from.getSecretKeyRef() == null && from.getConfigMapKeyRef() == null) {
            return List.of(where + " takes " + name + " from neither a Secret nor a ConfigMap");
        }
        if (SECRET_NAME.matcher(name).matches() && from.getSecretKeyRef() == null) {
            return List.of(where + " takes secret " + name + " from somewhere other than a Secret");
        }
        return List.of();
    }

    /** The value of a named literal environment variable of a container, if it has one. */
    static Optional<String> literalEnv(Container container, String name) {
        return container.getEnv().stream()
                .filter(env -> name.equals(env.getName()) && env.getValueFrom() == null)
                .map(EnvVar::getValue)
                .findFirst();
    }

    static Optional<EnvVarSource> envSource(Container container, String name) {
        return container.getEnv().stream()
                .filter(env -> name.equals(env.getName()))
                .map(EnvVar::getValueFrom)
                .filter(Objects::nonNull)
                .findFirst();
    }

    private static <T> T firstNonNull(T preferred, T fallback) {
        return preferred != null ? preferred : fallback;
    }
}
