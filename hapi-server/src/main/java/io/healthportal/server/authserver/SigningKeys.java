package io.healthportal.server.authserver;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token signing keys, read from a PKCS#12 key store. The active key signs; every key is published,
 * so tokens signed by a key being rotated out still verify until they expire. Keys are never generated
 * at each start: tokens must survive a restart and agree across replicas.
 */
final class SigningKeys {

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    private static final String STORE_TYPE = "PKCS12";

    private SigningKeys() {}

    /** The JWK set, active key first. */
    static JWKSet load(AuthProperties properties) {
        Path path = properties.keyStore().toAbsolutePath();
        char[] password = properties.keyStorePassword().toCharArray();
        try {
            if (!Files.exists(path)) {
                if (!properties.createKeyStoreIfMissing()) {
                    throw new IllegalStateException(
                            "Signing key store " + path + " does not exist (portal.auth.key-store)");
                }
                create(path, password);
            }
            KeyStore store = KeyStore.getInstance(STORE_TYPE);
            try (InputStream in = Files.newInputStream(path)) {
                store.load(in, password);
            }
            List<RSAKey> keys = new ArrayList<>();
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias) && store.getKey(alias, password) instanceof RSAPrivateKey privateKey) {
                    Certificate certificate = store.getCertificate(alias);
                    keys.add(new RSAKey.Builder((RSAPublicKey) certificate.getPublicKey())
                            .privateKey(privateKey)
                            .keyID(alias)
                            .keyUse(KeyUse.SIGNATURE)
                            .algorithm(JWSAlgorithm.RS256)
                            .issueTime(store.getCreationDate(alias))
                            .build());
                }
            }
            if (keys.isEmpty()) {
                throw new IllegalStateException("Signing key store " + path + " holds no RSA key entry");
            }
            keys.sort(Comparator.comparing((RSAKey key) -> key.getKeyID().equals(properties.activeKeyAlias()))
                    .thenComparing(RSAKey::getIssueTime)
                    .reversed());
            log.info(
                    "Token signing keys: {} loaded from {}, active '{}'",
                    keys.size(),
                    path,
                    keys.get(0).getKeyID());
            return new JWKSet(List.<JWK>copyOf(keys));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot read the signing key store " + path, e);
        }
    }

    private static void create(Path path, char[] password) throws IOException, GeneralSecurityException {
        Files.createDirectories(path.getParent());
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        String alias = "portal-" + Instant.now().getEpochSecond();
        KeyStore store = KeyStore.getInstance(STORE_TYPE);
        store.load(null, password);
        store.setKeyEntry(alias, pair.getPrivate(), password, new Certificate[] {selfSigned(pair)});
        Path temporary = Files.createTempFile(path.getParent(), "signing-keys", ".tmp");
        try (OutputStream out = Files.newOutputStream(temporary)) {
            store.store(out, password);
        }
        try {
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the directory's own permissions apply.
        }
        Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE);
        log.warn("Created a new signing key store at {} (embedded default)", path);
    }

    /** PKCS#12 keeps a private key only with a certificate; the certificate itself is not used. */
    private static X509Certificate selfSigned(KeyPair pair) throws GeneralSecurityException {
        try {
            X500Name subject = new X500Name("CN=healthportal token signing");
            Instant now = Instant.now();
            PrivateKey key = pair.getPrivate();
            var builder = new JcaX509v3CertificateBuilder(
                    subject,
                    new BigInteger(64, new SecureRandom()),
                    Date.from(now),
                    Date.from(now.plus(Duration.ofDays(3650))),
                    subject,
                    pair.getPublic());
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(key)));
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }
}
