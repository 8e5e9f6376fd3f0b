package io.healthportal.ingest.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.healthportal.ingest.config.IngestProperties;
import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.testing.TestPartners;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslStoreBundle;

/**
 * MLLP over TLS, with key stores made by the JDK's keytool: a partner that trusts the listener's
 * certificate gets its ACK; with {@code client-auth: need}, a partner without a certificate the
 * listener trusts is refused before anything reaches the intake; a plain client gets nowhere.
 */
class MllpTlsTest {

    private static final String PASSWORD = "test-only";
    private static final String MESSAGE = "MSH|^~\\&|LIS|LAB|PORTAL|NHS|20260101||ORU^R01|C-1|P|2.5.1\r";

    @TempDir
    static Path stores;

    private final Hl7v2Intake intake = mock(Hl7v2Intake.class);
    private MllpListeners listeners;

    @BeforeAll
    static void makeKeyStores() throws Exception {
        keytool(
                "-genkeypair",
                "-alias",
                "listener",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-validity",
                "2",
                "-keystore",
                "listener.p12");
        keytool(
                "-genkeypair",
                "-alias",
                "partner",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=lab-b",
                "-validity",
                "2",
                "-keystore",
                "partner.p12");
        keytool("-exportcert", "-alias", "listener", "-keystore", "listener.p12", "-file", "listener.crt");
        keytool("-exportcert", "-alias", "partner", "-keystore", "partner.p12", "-file", "partner.crt");
        // Each side trusts the other's certificate only.
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "partner",
                "-file",
                "partner.crt",
                "-keystore",
                "listener-trust.p12");
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "listener",
                "-file",
                "listener.crt",
                "-keystore",
                "partner-trust.p12");
    }

    @AfterEach
    void stop() {
        listeners.stop();
    }

    @Test
    void aPartnerThatTrustsTheListenerSendsOverTls() throws Exception {
        when(intake.receive(any(), any())).thenReturn("MSH|^~\\&|ACK\rMSA|AA|C-1\r");
        listeners = start("none");
        try (SSLSocket socket = partnerSocket(true)) {
            assertThat(send(socket, MESSAGE)).contains("MSA|AA|C-1");
            assertThat(socket.getSession().getProtocol()).startsWith("TLSv1.");
        }
    }

    @Test
    void withClientAuthNeedAPartnerWithoutATrustedCertificateIsRefused() throws Exception {
        when(intake.receive(any(), any())).thenReturn("MSH|^~\\&|ACK\rMSA|AA|C-1\r");
        listeners = start("need");
        try (SSLSocket socket = partnerSocket(true)) {
            assertThat(send(socket, MESSAGE)).contains("MSA|AA|C-1");
        }
        try (SSLSocket socket = partnerSocket(false)) {
            assertThatThrownBy(() -> send(socket, MESSAGE)).isInstanceOf(IOException.class);
        }
        verify(intake, org.mockito.Mockito.times(1)).receive(any(), any());
    }

    @Test
    void aPlainClientGetsNoAck() throws Exception {
        listeners = start("none");
        try (Socket socket = new Socket("127.0.0.1", listeners.port("lab-b"))) {
            socket.setSoTimeout(10_000);
            assertThatThrownBy(() -> send(socket, MESSAGE)).isInstanceOf(IOException.class);
        }
        verify(intake, never()).receive(any(), any());
    }

    private MllpListeners start(String clientAuth) throws Exception {
        PartnerProperties partner = MllpListenersTest.partner("lab-b", List.of());
        IngestProperties properties = TestPartners.properties(TestPartners.quickRetry(), List.of(partner));
        SslBundle bundle =
                SslBundle.of(SslStoreBundle.of(keyStore("listener.p12"), PASSWORD, keyStore("listener-trust.p12")));
        MllpTls tls = new MllpTls(
                new MllpTls.Settings(Map.of("lab-b", new MllpTls.PartnerTls("mllp-lab-b", clientAuth))),
                new DefaultSslBundleRegistry("mllp-lab-b", bundle));
        MllpListeners started = new MllpListeners(properties, intake, tls);
        started.start();
        return started;
    }

    private SSLSocket partnerSocket(boolean withCertificate) throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(keyStore("partner-trust.p12"));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(keyStore("partner.p12"), PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(withCertificate ? keys.getKeyManagers() : null, trust.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", listeners.port("lab-b"));
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static String send(Socket socket, String message) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(MllpListeners.START_BLOCK);
        out.write(message.getBytes(StandardCharsets.UTF_8));
        out.write(MllpListeners.END_BLOCK);
        out.write(MllpListeners.CARRIAGE_RETURN);
        out.flush();
        InputStream in = socket.getInputStream();
        if (in.read() != MllpListeners.START_BLOCK) {
            throw new IOException("no MLLP acknowledgement");
        }
        ByteArrayOutputStream ack = new ByteArrayOutputStream();
        for (int b = in.read(); b != MllpListeners.END_BLOCK; b = in.read()) {
            if (b < 0) {
                throw new IOException("closed inside the acknowledgement");
            }
            ack.write(b);
        }
        return ack.toString(StandardCharsets.UTF_8);
    }

    private static KeyStore keyStore(String file) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(stores.resolve(file))) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    private static void keytool(String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                PASSWORD));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command)
                .directory(stores.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }
}
