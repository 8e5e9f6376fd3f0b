package io.healthportal.server.testing;

import io.healthportal.testing.RequiredServices;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assumptions;

/**
 * axe-core (Deque's accessibility engine, MPL-2.0) as its npm package ships it, fetched from the npm
 * registry on first use rather than kept in this repository, checked against the package's published
 * SHA-512 and cached under {@code ~/.cache/healthportal/}. Maven Central serves no axe-core webjar.
 * Where the registry cannot be reached the browser test is skipped with one line, unless services are
 * required (CI), where it fails.
 */
final class AxeCoreScript {

    static final String VERSION = "4.14.1";

    /** {@code npm view axe-core@4.14.1 dist.integrity}. */
    private static final String INTEGRITY =
            "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==";

    private static final String ENTRY = "package/axe.min.js";

    private static String source;

    private AxeCoreScript() {}

    static synchronized String source() {
        if (source == null) {
            try {
                source = extract(verified(tarball()));
            } catch (IOException | InterruptedException e) {
                String problem = "axe-core " + VERSION + " could not be fetched from the npm registry: " + e;
                if (RequiredServices.required()) {
                    throw new IllegalStateException(problem, e);
                }
                Assumptions.abort(problem);
            }
        }
        return source;
    }

    private static byte[] tarball() throws IOException, InterruptedException {
        Path cached =
                Path.of(System.getProperty("user.home"), ".cache", "healthportal", "axe-core-" + VERSION + ".tgz");
        if (Files.isRegularFile(cached)) {
            return Files.readAllBytes(cached);
        }
        String registry = System.getenv().getOrDefault("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org/");
        URI uri = URI.create(
                (registry.endsWith("/") ? registry : registry + "/") + "axe-core/-/axe-core-" + VERSION + ".tgz");
        HttpResponse<byte[]> response = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20))
                .build()
                .send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofMinutes(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException(uri + " answered " + response.statusCode());
        }
        byte[] tarball = verified(response.body());
        Files.createDirectories(cached.getParent());
        Path partial = Files.createTempFile(cached.getParent(), "axe-core", ".part");
        Files.write(partial, tarball);
        Files.move(partial, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return tarball;
    }

    private static byte[] verified(byte[] tarball) throws IOException {
        try {
            String digest = "sha512-"
                    + Base64.getEncoder()
                            .encodeToString(MessageDigest.getInstance("SHA-512").digest(tarball));
            if (!digest.equals(INTEGRITY)) {
                throw new IOException("axe-core " + VERSION + " does not match its published integrity " + INTEGRITY);
            }
            return tarball;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads one file out of the gzipped tar archive: 512-byte headers, each followed by its padded data. */
    private static String extract(byte[] tarball) throws IOException {
        try (InputStream tar = new GZIPInputStream(new ByteArrayInputStream(tarball))) {
            byte[] header = new byte[512];
            while (tar.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String name = text(header, 0, 100);
                String prefix = text(header, 345, 155);
                long size = Long.parseLong(text(header, 124, 12).trim(), 8);
                String path = prefix.isEmpty() ? name : prefix + "/" + name;
                byte[] data = tar.readNBytes((int) size);
                tar.skipNBytes((512 - size % 512) % 512);
                if (path.equals(ENTRY)) {
                    return new String(data, StandardCharsets.UTF_8);
                }
            }
        }
        throw new IOException(ENTRY + " is not in the axe-core " + VERSION + " package");
    }

    private static String text(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
    }
}
