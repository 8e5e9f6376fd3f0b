package io.healthportal.k8s;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Renders a kustomization with the kustomize built into kubectl ({@code kubectl kustomize DIR}),
 * which reads local files only and needs no cluster.
 */
final class Kustomize {

    private static final long TIMEOUT_SECONDS = 60;

    private Kustomize() {}

    /** The rendered documents, or empty when kubectl is not installed on this machine. */
    static Optional<List<ManifestDocument>> render(Path kustomizationDir) {
        Path output;
        Path errors;
        try {
            output = Files.createTempFile("kustomize", ".yaml");
            errors = Files.createTempFile("kustomize", ".err");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create temporary files", e);
        }
        try {
            Process process;
            try {
                process = new ProcessBuilder("kubectl", "kustomize", kustomizationDir.toString())
                        .redirectOutput(output.toFile())
                        .redirectError(errors.toFile())
                        .start();
            } catch (IOException notInstalled) {
                return Optional.empty();
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        "kubectl kustomize " + kustomizationDir + " took over " + TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("kubectl kustomize " + kustomizationDir + " failed: "
                        + Files.readString(errors, StandardCharsets.UTF_8));
            }
            return Optional.of(ManifestFiles.parse(
                    kustomizationDir.resolve("(rendered)"), Files.readString(output, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read kubectl's output", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while rendering " + kustomizationDir, e);
        } finally {
            output.toFile().delete();
            errors.toFile().delete();
        }
    }
}
