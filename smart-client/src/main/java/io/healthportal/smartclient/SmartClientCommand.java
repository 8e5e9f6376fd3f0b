package io.healthportal.smartclient;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code java -jar smart-client/target/smart-client.jar}: a Backend Services key and token from the
 * command line, for {@code ./portal} and for anyone trying hapi-server's API by hand.
 *
 * <pre>
 * jwks  --key-file FILE [--create]                       the key's public JWKS (creates the key with --create)
 * token --key-file FILE --fhir URL --client-id ID --scope "system/Patient.rs ..."   an access token
 * </pre>
 */
public final class SmartClientCommand {

    static final String USAGE = """
            Usage: smart-client jwks  --key-file FILE [--create]
                   smart-client token --key-file FILE --fhir FHIR_BASE_URL --client-id ID --scope "SCOPES"
              jwks   prints the public JWKS of the client's EC P-384 key (--create makes the key if missing),
                     e.g. for hapi-server's portal.auth.backend-clients.<id>.jwks
              token  prints an access token from the FHIR server's token endpoint (SMART Backend Services)""";

    private SmartClientCommand() {}

    public static void main(String[] args) {
        try {
            System.out.println(run(args));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        } catch (RuntimeException e) {
            System.err.println("smart-client: " + e.getMessage());
            System.exit(1);
        }
    }

    static String run(String[] args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("Name a command: jwks or token");
        }
        Map<String, String> options = options(args);
        Path keyFile = Path.of(required(options, "key-file"));
        return switch (args[0]) {
            case "jwks" ->
                BackendServicesKey.load(keyFile, options.containsKey("create")).publicKeysJson();
            case "token" ->
                new BackendServicesClient(
                                URI.create(required(options, "fhir")),
                                required(options, "client-id"),
                                required(options, "scope"),
                                BackendServicesKey.load(keyFile, false))
                        .accessToken();
            default -> throw new IllegalArgumentException("Unknown command: " + args[0]);
        };
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("Not an option: " + args[i]);
            }
            String name = args[i].substring(2);
            boolean hasValue = i + 1 < args.length && !args[i + 1].startsWith("--");
            options.put(name, hasValue ? args[++i] : "");
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }
}
