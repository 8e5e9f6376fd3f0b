package io.healthportal.ingest.hl7v2;

import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import javax.net.ssl.SSLServerSocket;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.stereotype.Component;

/**
 * Optional TLS on a partner's MLLP listener ({@code portal.ingest.mllp-tls.<partner>.bundle}: a Spring
 * Boot SSL bundle, {@code spring.ssl.bundle.*}, holding the listener's key and, for mutual TLS, the
 * certificates it trusts). With {@code client-auth: need} a partner must present a certificate the
 * bundle trusts. A partner without an entry gets a plain listener, as before.
 */
@Component
public class MllpTls {

    /**
     * @param bundle the SSL bundle's name
     * @param clientAuth {@code none} (default), {@code want} or {@code need} a client certificate
     */
    public record PartnerTls(String bundle, String clientAuth) {}

    @ConfigurationProperties("portal.ingest")
    public record Settings(Map<String, PartnerTls> mllpTls) {

        public Settings {
            mllpTls = mllpTls == null ? Map.of() : Map.copyOf(mllpTls);
        }
    }

    private final Map<String, PartnerTls> partners;
    private final SslBundles bundles;

    public MllpTls(Settings settings, SslBundles bundles) {
        this.partners = settings.mllpTls();
        this.bundles = bundles;
    }

    /** No TLS for anyone, for tests that build their listeners by hand. */
    static MllpTls none() {
        return new MllpTls(new Settings(Map.of()), null);
    }

    boolean enabled(String partnerId) {
        return partners.containsKey(partnerId);
    }

    /** An unbound server socket for the partner: TLS from its bundle when configured, else plain. */
    ServerSocket serverSocket(PartnerProperties partner) throws IOException {
        PartnerTls tls = partners.get(partner.id());
        if (tls == null) {
            return new ServerSocket();
        }
        SslBundle bundle;
        try {
            bundle = bundles.getBundle(tls.bundle());
        } catch (NoSuchSslBundleException e) {
            throw new IllegalStateException(
                    "INGEST-MLLP-TLS: partner " + partner.id() + " names SSL bundle '" + tls.bundle()
                            + "', which spring.ssl.bundle does not define",
                    e);
        }
        SSLServerSocket socket = (SSLServerSocket)
                bundle.createSslContext().getServerSocketFactory().createServerSocket();
        SslOptions options = bundle.getOptions();
        if (options.getEnabledProtocols() != null) {
            socket.setEnabledProtocols(options.getEnabledProtocols());
        }
        if (options.getCiphers() != null) {
            socket.setEnabledCipherSuites(options.getCiphers());
        }
        String clientAuth = tls.clientAuth() == null ? "none" : tls.clientAuth();
        switch (clientAuth) {
            case "need" -> socket.setNeedClientAuth(true);
            case "want" -> socket.setWantClientAuth(true);
            case "none" -> {
                // server authentication only
            }
            default ->
                throw new IllegalStateException("INGEST-MLLP-TLS: partner " + partner.id() + " has client-auth '"
                        + clientAuth + "'; expected none, want or need");
        }
        return socket;
    }
}
