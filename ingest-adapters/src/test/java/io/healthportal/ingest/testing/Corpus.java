package io.healthportal.ingest.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The partner corpus shared by the team ({@code shared/corpus} beside the repository), read in place:
 * it is never copied into the repository. {@code PORTAL_CORPUS_DIR} names it; otherwise it is found
 * by walking up from the working directory. Tests that read it say so with {@link RequiresCorpus}.
 */
public final class Corpus {

    private Corpus() {}

    static final String NOT_FOUND =
            "no partner corpus: PORTAL_CORPUS_DIR names no directory and no shared/corpus is above";

    public static Path root() {
        return find().orElseThrow(() ->
                new IllegalStateException(NOT_FOUND + " " + Path.of("").toAbsolutePath()));
    }

    static Optional<Path> find() {
        String configured = System.getenv("PORTAL_CORPUS_DIR");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(Files::isDirectory);
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("shared").resolve("corpus");
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
            dir = dir.getParent();
        }
        return Optional.empty();
    }

    public static String read(String relative) {
        try {
            return Files.readString(root().resolve(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
